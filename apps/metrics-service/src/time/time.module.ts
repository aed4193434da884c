import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { CLOCK, clockFromEnv } from './clock';
import { TimePassController } from './time.controller';
import { TimePassService } from './time-pass.service';

/** The metrics clock and the pass that rescores what crossed a date. */
@Module({
  imports: [ScoringModule],
  controllers: [TimePassController],
  providers: [{ provide: CLOCK, useFactory: () => clockFromEnv() }, TimePassService],
  exports: [CLOCK, TimePassService],
})
export class TimeModule {}
