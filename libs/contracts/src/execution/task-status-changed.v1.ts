import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDateTime, Uuid } from '../schema-types';
import { Topics } from '../topics';
import { TaskStatusSchema } from './task-status';

export const TaskStatusChangedV1 = defineEvent({
  type: 'throughline.task.status-changed.v1',
  version: 1,
  topic: Topics.Tasks,
  description:
    'A task moved along its lifecycle (todo → in_progress → blocked ↔ in_progress → done; cancelled from any open state).',
  schema: Type.Object(
    {
      taskId: Uuid(),
      goalId: Type.Union([Uuid(), Type.Null()]),
      managerId: Uuid(),
      from: TaskStatusSchema,
      to: TaskStatusSchema,
      reason: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
      progress: Type.Integer({ minimum: 0, maximum: 100 }),
      changedBy: Type.Union([Uuid(), Type.Null()], {
        description: 'The person who made the change; null when the system did (a goal closed, a deliverable removed)',
      }),
      changedAt: IsoDateTime(),
      taskVersion: Type.Integer({ minimum: 1, description: 'The task version after the change' }),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId ?? data.managerId,
  subject: (data) => data.taskId,
  example: {
    taskId: '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a',
    goalId: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
    managerId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
    from: 'todo',
    to: 'in_progress',
    reason: null,
    progress: 0,
    changedBy: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
    changedAt: '2026-01-06T08:30:00.000Z',
    taskVersion: 2,
  },
});
