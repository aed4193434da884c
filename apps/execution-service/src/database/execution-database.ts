import { messagingMigrations } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';
import { KnownGoal } from '../goals/known-goal.entity';
import { RemovedDeliverable } from '../goals/removed-deliverable.entity';
import { KeyResultCheckIn } from '../key-results/key-result-check-in.entity';
import { KnownKeyResult } from '../key-results/known-key-result.entity';
import { KnownPerson } from '../people/known-person.entity';
import { TaskHistoryEntry } from '../tasks/task-history-entry.entity';
import { TaskCostEntry, TaskHoursEntry, TaskQualityIssue } from '../tasks/task-report-entries.entity';
import { Task } from '../tasks/task.entity';
import { CreateTasks1764000000200 } from './migrations/1764000000200-create-tasks';
import { AddExecutionReadModelsAndTaskReports1764000000300 } from './migrations/1764000000300-add-execution-read-models-and-task-reports';

export const executionDatabase: ServiceDatabase = {
  defaultSchema: 'execution',
  entities: [
    Task,
    TaskHistoryEntry,
    TaskCostEntry,
    TaskHoursEntry,
    TaskQualityIssue,
    KnownGoal,
    RemovedDeliverable,
    KnownKeyResult,
    KeyResultCheckIn,
    KnownPerson,
  ],
  migrations: [...messagingMigrations, CreateTasks1764000000200, AddExecutionReadModelsAndTaskReports1764000000300],
};
