import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { Currency, IsoDate, IsoDateTime, MinorUnits, Uuid, Weight } from '../schema-types';
import { Topics } from '../topics';
import { exampleTaskIds } from './task-examples';

export const TaskUpdatedV1 = defineEvent({
  type: 'throughline.task.updated.v1',
  version: 1,
  topic: Topics.Tasks,
  description:
    'A task followed a change of its deliverable or budget (title, due date, weight, planned cost); carries the new values.',
  schema: Type.Object(
    {
      taskId: Uuid(),
      goalId: Type.Union([Uuid(), Type.Null()]),
      managerId: Uuid(),
      title: Type.String({ minLength: 1, maxLength: 200 }),
      dueDate: Type.Union([IsoDate(), Type.Null()]),
      weight: Weight(),
      currency: Type.Union([Currency(), Type.Null()]),
      plannedCostMinor: MinorUnits('Planned cost (budget share)'),
      cause: Type.String({
        maxLength: 200,
        description: 'What made the task change, e.g. deliverable.changed or budget.revised',
      }),
      updatedAt: IsoDateTime(),
      taskVersion: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId ?? data.managerId,
  subject: (data) => data.taskId,
  example: {
    ...exampleTaskIds,
    title: 'Pilot production run',
    dueDate: '2026-04-15',
    weight: 2,
    currency: 'EUR',
    plannedCostMinor: 5_500_000,
    cause: 'deliverable.changed',
    updatedAt: '2026-02-01T10:00:01.000Z',
    taskVersion: 2,
  },
});
