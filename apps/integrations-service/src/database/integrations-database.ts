import { CreateMessagingTables1764000000000 } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';

export const integrationsDatabase: ServiceDatabase = {
  defaultSchema: 'integrations',
  entities: [],
  migrations: [CreateMessagingTables1764000000000],
};
