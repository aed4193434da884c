import { messagingMigrations } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';
import { CreateWebhooks1764000000400 } from './migrations/1764000000400-create-webhooks';
import { CreateNotifications1764000000500 } from './migrations/1764000000500-create-notifications';

/** Webhooks and notifications are read and written with SQL (leases, ordering guards), so the service maps no entities. */
export const integrationsDatabase: ServiceDatabase = {
  defaultSchema: 'integrations',
  entities: [],
  migrations: [...messagingMigrations, CreateWebhooks1764000000400, CreateNotifications1764000000500],
};
