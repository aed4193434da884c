import 'reflect-metadata';
import { serviceMain } from '@throughline/service-kit';
import { AppModule } from './app.module';
import { metricsDatabase } from './database/metrics-database';
import { metricsEnvSchema } from './metrics-service.config';

serviceMain({
  name: 'metrics-service',
  title: 'Throughline metrics service',
  description:
    'Explainable alignment scores, KPIs, their history and alerts, computed incrementally from the strategy and execution streams.',
  defaultPort: 3003,
  module: AppModule,
  database: metricsDatabase,
  config: metricsEnvSchema,
});
