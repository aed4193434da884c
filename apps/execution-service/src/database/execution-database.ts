import { CreateMessagingTables1764000000000 } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';
import { KnownGoal } from '../goals/known-goal.entity';
import { TaskHistoryEntry } from '../tasks/task-history-entry.entity';
import { Task } from '../tasks/task.entity';
import { CreateTasks1764000000200 } from './migrations/1764000000200-create-tasks';

export const executionDatabase: ServiceDatabase = {
  defaultSchema: 'execution',
  entities: [Task, TaskHistoryEntry, KnownGoal],
  migrations: [CreateMessagingTables1764000000000, CreateTasks1764000000200],
};
