import { messagingMigrations } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';
import { GoalReadModel } from '../goals/goal-read-model.entity';
import { RemovedDeliverable } from '../goals/removed-deliverable.entity';
import { KeyResultCheckIn } from '../key-results/key-result-check-in.entity';
import { KeyResultReadModel } from '../key-results/key-result-read-model.entity';
import { PersonReadModel } from '../people/person-read-model.entity';
import { TaskHistoryEntry } from '../tasks/task-history-entry.entity';
import { TaskCostEntry, TaskHoursEntry, TaskQualityIssue } from '../tasks/task-report-entries.entity';
import { Task } from '../tasks/task.entity';
import { CreateTasks1764000000200 } from './migrations/1764000000200-create-tasks';
import { AddExecutionReadModelsAndTaskReports1764000000300 } from './migrations/1764000000300-add-execution-read-models-and-task-reports';
import { NameReadModelsRm1764000000400 } from './migrations/1764000000400-name-read-models-rm';

export const executionDatabase: ServiceDatabase = {
  defaultSchema: 'execution',
  entities: [
    Task,
    TaskHistoryEntry,
    TaskCostEntry,
    TaskHoursEntry,
    TaskQualityIssue,
    GoalReadModel,
    RemovedDeliverable,
    KeyResultReadModel,
    KeyResultCheckIn,
    PersonReadModel,
  ],
  migrations: [
    ...messagingMigrations,
    CreateTasks1764000000200,
    AddExecutionReadModelsAndTaskReports1764000000300,
    NameReadModelsRm1764000000400,
  ],
};
