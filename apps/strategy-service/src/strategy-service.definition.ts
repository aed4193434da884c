import { ServiceDefinition } from '@throughline/service-kit';
import { AppModule } from './app.module';
import { strategyDatabase } from './database/strategy-database';

/** What the service is: its name, its API document's title and description, its module and database. */
export const strategyService: ServiceDefinition = {
  name: 'strategy-service',
  title: 'Throughline strategy service',
  description:
    "The director's API: organisation, goals, key results, budgets, deliverables and risks. Every change is published as an event.",
  defaultPort: 3001,
  module: AppModule,
  database: strategyDatabase,
};
