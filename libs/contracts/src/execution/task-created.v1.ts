import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { Currency, IsoDate, IsoDateTime, MinorUnits, Uuid, Weight } from '../schema-types';
import { Topics } from '../topics';
import { TaskStatusSchema } from './task-status';

export const TaskCreatedV1 = defineEvent({
  type: 'throughline.task.created.v1',
  version: 1,
  topic: Topics.Tasks,
  description:
    'A task exists: derived from a deliverable of an active goal, or added by a manager (linked to a goal or honestly unlinked).',
  schema: Type.Object(
    {
      taskId: Uuid(),
      goalId: Type.Union([Uuid(), Type.Null()], { description: 'Null for unlinked work' }),
      deliverableId: Type.Union([Uuid(), Type.Null()]),
      managerId: Uuid(),
      title: Type.String({ minLength: 1, maxLength: 200 }),
      status: TaskStatusSchema,
      dueDate: Type.Union([IsoDate(), Type.Null()]),
      weight: Weight(),
      currency: Type.Union([Currency(), Type.Null()]),
      plannedCostMinor: MinorUnits('Planned cost (budget share)'),
      origin: Type.Union([Type.Literal('deliverable'), Type.Literal('manager')]),
      // Added after v1 shipped, optional so earlier events stay valid.
      unlinkedReason: Type.Optional(
        Type.Union([Type.String({ minLength: 1, maxLength: 2000 }), Type.Null()], {
          description: 'Why a manager-added task serves no goal; null when linked or derived',
        }),
      ),
      createdBy: Type.Optional(
        Type.Union([Uuid(), Type.Null()], {
          description: 'The manager who added the task; null for tasks derived from a deliverable',
        }),
      ),
      createdAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId ?? data.managerId,
  subject: (data) => data.taskId,
  example: {
    taskId: '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a',
    goalId: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
    deliverableId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
    managerId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
    title: 'Pilot production run',
    status: 'todo',
    dueDate: '2026-03-31',
    weight: 2,
    currency: 'EUR',
    plannedCostMinor: 5_000_000,
    origin: 'deliverable',
    unlinkedReason: null,
    createdBy: null,
    createdAt: '2026-01-05T09:00:01.000Z',
  },
});
