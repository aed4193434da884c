import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { envSlice } from '@throughline/config';
import { ScoringModule } from '../scoring/scoring.module';
import { metricsEnvSchema } from '../metrics-service.config';
import { clockFrom } from './clock';
import { TimePassController } from './time.controller';
import { TimePassService } from './time-pass.service';
import { CLOCK } from '@throughline/service-kit';

/** The metrics clock and the pass that rescores what crossed a date. */
@Module({
  imports: [ScoringModule],
  controllers: [TimePassController],
  providers: [
    {
      provide: CLOCK,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => clockFrom(envSlice(metricsEnvSchema, config)),
    },
    TimePassService,
  ],
  exports: [CLOCK, TimePassService],
})
export class TimeModule {}
