import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDateTime, Uuid } from '../schema-types';
import { Topics } from '../topics';
import { exampleTaskIds } from './task-examples';

export const TaskProgressReportedV1 = defineEvent({
  type: 'throughline.task.progress-reported.v1',
  version: 1,
  topic: Topics.Tasks,
  description: 'A manager reported how far a task is (0–100).',
  schema: Type.Object(
    {
      taskId: Uuid(),
      goalId: Type.Union([Uuid(), Type.Null()]),
      managerId: Uuid(),
      progress: Type.Integer({ minimum: 0, maximum: 100 }),
      note: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
      reportedBy: Uuid(),
      reportedAt: IsoDateTime(),
      taskVersion: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId ?? data.managerId,
  subject: (data) => data.taskId,
  example: {
    ...exampleTaskIds,
    progress: 60,
    note: 'Tooling installed',
    reportedBy: exampleTaskIds.managerId,
    reportedAt: '2026-02-10T16:00:00.000Z',
    taskVersion: 3,
  },
});
