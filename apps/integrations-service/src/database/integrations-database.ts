import { CreateMessagingTables1764000000000 } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';
import { CreateWebhooks1764000000400 } from './migrations/1764000000400-create-webhooks';

/** Webhooks are read and written with SQL (leases, ordering guards), so the service maps no entities. */
export const integrationsDatabase: ServiceDatabase = {
  defaultSchema: 'integrations',
  entities: [],
  migrations: [CreateMessagingTables1764000000000, CreateWebhooks1764000000400],
};
