import { CreateMessagingTables1764000000000 } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';
import { Deliverable } from '../goals/deliverable.entity';
import { Goal } from '../goals/goal.entity';
import { CreateGoals1764000000100 } from './migrations/1764000000100-create-goals';

/** The strategy service's schema: its entities and its migrations, in order. */
export const strategyDatabase: ServiceDatabase = {
  defaultSchema: 'strategy',
  entities: [Goal, Deliverable],
  migrations: [CreateMessagingTables1764000000000, CreateGoals1764000000100],
};
