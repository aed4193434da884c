import { Module } from '@nestjs/common';
import { KpisModule } from '../kpis/kpis.module';
import { ScoringModule } from '../scoring/scoring.module';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

/** Scores, their history and KPIs as spreadsheets. */
@Module({
  imports: [ScoringModule, KpisModule],
  controllers: [ExportsController],
  providers: [ExportsService],
})
export class ExportsModule {}
