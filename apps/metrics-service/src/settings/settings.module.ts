import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { TimeModule } from '../time/time.module';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';

/** Per-organisation weights, bands and alert thresholds. */
@Module({
  imports: [ScoringModule, TimeModule],
  controllers: [SettingsController],
  providers: [SettingsService],
})
export class SettingsModule {}
