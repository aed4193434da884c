import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { SimulationsController } from './simulations.controller';
import { SimulationsService } from './simulations.service';

/** What-if simulations: the scoring engine's runs, always rolled back. */
@Module({
  imports: [ScoringModule],
  controllers: [SimulationsController],
  providers: [SimulationsService],
})
export class SimulationsModule {}
