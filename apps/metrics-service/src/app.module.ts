import { Module } from '@nestjs/common';
import { Topics } from '@throughline/contracts';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule } from '@throughline/service-kit';
import { metricsDatabase } from './database/metrics-database';
import { ExportsModule } from './exports/exports.module';
import { KpisModule } from './kpis/kpis.module';
import { metricsEnvSchema } from './metrics-service.config';
import { ReadModelsModule } from './read-models/read-models.module';
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
      // An organisation's tasks are held in memory for a transaction: the more events share it, the fewer rescorings and writes.
      maxEventsPerTransaction: 1_000,
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
