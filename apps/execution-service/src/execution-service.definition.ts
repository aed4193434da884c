import { ServiceDefinition } from '@throughline/service-kit';
import { AppModule } from './app.module';
import { executionDatabase } from './database/execution-database';

/** What the service is: its name, its API document's title and description, its module and database. */
export const executionService: ServiceDefinition = {
  name: 'execution-service',
  title: 'Throughline execution service',
  description:
    "The manager's API: tasks derived from active goals, their status, progress, cost, hours, quality issues and key-result check-ins.",
  defaultPort: 3002,
  module: AppModule,
  database: executionDatabase,
};
