import { ServiceDefinition } from '@throughline/service-kit';
import { AppModule } from './app.module';
import { integrationsDatabase } from './database/integrations-database';
import { webhookEnvSchema } from './webhooks/webhook-settings';

/** What the service is: its name, its API document's title and description, its module and database. */
export const integrationsService: ServiceDefinition = {
  name: 'integrations-service',
  title: 'Throughline integrations service',
  description:
    'For integrators: the AsyncAPI catalogue of every event (/docs/asyncapi.json) and signed HTTP webhooks that deliver the events of an organisation, in order per aggregate, with retries, dead letters and replay.',
  defaultPort: 3004,
  module: AppModule,
  database: integrationsDatabase,
  config: webhookEnvSchema,
};
