import { ServiceDatabase } from '@throughline/service-kit';
import { CreateSessions1764000000500 } from './migrations/1764000000500-create-sessions';

/** The dashboard's own schema: sessions and sign-ins under way, nothing of the services'. */
export const bffDatabase: ServiceDatabase = {
  defaultSchema: 'dashboard',
  entities: [],
  migrations: [CreateSessions1764000000500],
};
