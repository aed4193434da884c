import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { envSlice } from '@throughline/config';
import { KpisController } from '../kpis/kpis.controller';
import { KpisService } from '../kpis/kpis.service';
import { ExecutionEventsHandler } from '../read-models/execution-events.handler';
import { OrganisationEventsHandler } from '../read-models/organisation-events.handler';
import { StrategyEventsHandler } from '../read-models/strategy-events.handler';
import { SettingsController } from '../settings/settings.controller';
import { SettingsService } from '../settings/settings.service';
import { SettingsUpdateService } from '../settings/settings-update.service';
import { metricsEnvSchema } from '../metrics-service.config';
import { CLOCK, clockFrom } from '../time/clock';
import { TimePassController } from '../time/time.controller';
import { TimePassService } from '../time/time-pass.service';
import { AlertsController } from './alerts.controller';
import { ScoresController } from './scores.controller';
import { ScoresService } from './scores.service';
import { ScoringEngine } from './scoring-engine.service';

/** What applies events to the read models and scores them; shared by the service and the rebuild command. */
export const SCORING_PROVIDERS = [
  {
    provide: CLOCK,
    inject: [ConfigService],
    useFactory: (config: ConfigService) => clockFrom(envSlice(metricsEnvSchema, config)),
  },
  SettingsService,
  ScoringEngine,
  OrganisationEventsHandler,
  StrategyEventsHandler,
  ExecutionEventsHandler,
];

export const EVENT_HANDLER_CLASSES = [OrganisationEventsHandler, StrategyEventsHandler, ExecutionEventsHandler];

@Module({
  controllers: [ScoresController, AlertsController, KpisController, SettingsController, TimePassController],
  providers: [...SCORING_PROVIDERS, ScoresService, KpisService, SettingsUpdateService, TimePassService],
})
export class AlignmentModule {}
