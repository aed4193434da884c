import 'reflect-metadata';
import { serviceMain } from '@throughline/service-kit';
import { AppModule } from './app.module';
import { integrationsDatabase } from './database/integrations-database';
import { webhookEnvSchema } from './webhooks/webhook-settings';

serviceMain({
  name: 'integrations-service',
  title: 'Throughline integrations service',
  description:
    'For integrators: the AsyncAPI catalogue of every event (/docs/asyncapi.json) and signed HTTP webhooks that deliver the events of an organisation, in order per aggregate, with retries, dead letters and replay.',
  defaultPort: 3004,
  module: AppModule,
  database: integrationsDatabase,
  config: webhookEnvSchema,
});
