import { Module } from '@nestjs/common';
import { Topics } from '@throughline/contracts';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule } from '@throughline/service-kit';
import { AlignmentModule } from './alignment/alignment.module';
import { metricsDatabase } from './database/metrics-database';
import { metricsEnvSchema } from './metrics-service.config';

@Module({
  imports: [
    ServiceKitModule.forRoot({ database: metricsDatabase, config: metricsEnvSchema }),
    MessagingModule.forRoot({ serviceName: 'metrics-service', publishes: [Topics.Scores, Topics.Alerts] }),
    AlignmentModule,
  ],
})
export class AppModule {}
