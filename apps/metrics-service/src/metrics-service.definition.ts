import { ServiceDefinition } from '@throughline/service-kit';
import { AppModule } from './app.module';
import { metricsDatabase } from './database/metrics-database';
import { metricsEnvSchema } from './metrics-service.config';

/** What the service is: its name, its API document's title and description, its module and database. */
export const metricsService: ServiceDefinition = {
  name: 'metrics-service',
  title: 'Throughline metrics service',
  description:
    'Explainable alignment scores, KPIs, their history and alerts, computed incrementally from the strategy and execution streams.',
  defaultPort: 3003,
  module: AppModule,
  database: metricsDatabase,
  config: metricsEnvSchema,
};
