import { Module } from '@nestjs/common';
import { Topics } from '@throughline/contracts';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule } from '@throughline/service-kit';
import { metricsDatabase } from './database/metrics-database';
import { ExportsModule } from './exports/exports.module';
import { KpisModule } from './kpis/kpis.module';
import { metricsEnvSchema } from './metrics-service.config';
import { ReadModelsModule } from './read-models/read-models.module';
import { EVENTS_PER_TRANSACTION } from './scoring/organisation-memory';
import { ScoringModule } from './scoring/scoring.module';
import { SettingsModule } from './settings/settings.module';
import { SimulationsModule } from './simulations/simulations.module';
import { TimeModule } from './time/time.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ database: metricsDatabase, config: metricsEnvSchema }),
    MessagingModule.forRoot({
      serviceName: 'metrics-service',
      publishes: [Topics.Scores, Topics.Alerts],
      // Scoring state is per organisation: one writer each, no lock contended across instances.
      ownerPerOrganisation: true,
      maxEventsPerTransaction: EVENTS_PER_TRANSACTION,
    }),
    ScoringModule,
    ReadModelsModule,
    KpisModule,
    ExportsModule,
    SettingsModule,
    SimulationsModule,
    TimeModule,
  ],
})
export class AppModule {}
