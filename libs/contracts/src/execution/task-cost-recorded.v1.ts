import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { Currency, IsoDate, IsoDateTime, MinorUnits, Uuid } from '../schema-types';
import { Topics } from '../topics';
import { exampleTaskIds } from './task-examples';

export const TaskCostRecordedV1 = defineEvent({
  type: 'throughline.task.cost-recorded.v1',
  version: 1,
  topic: Topics.Tasks,
  description: 'An actual cost was booked against a task, in the currency of its goal budget.',
  schema: Type.Object(
    {
      taskId: Uuid(),
      goalId: Type.Union([Uuid(), Type.Null()]),
      managerId: Uuid(),
      entryId: Uuid(),
      currency: Currency(),
      amountMinor: MinorUnits('Actual cost in minor units'),
      description: Type.String({ maxLength: 2000 }),
      incurredOn: IsoDate(),
      recordedBy: Uuid(),
      recordedAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId ?? data.managerId,
  subject: (data) => data.entryId,
  example: {
    ...exampleTaskIds,
    entryId: '8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f',
    currency: 'EUR',
    amountMinor: 1_250_000,
    description: 'Injection moulds',
    incurredOn: '2026-02-09',
    recordedBy: exampleTaskIds.managerId,
    recordedAt: '2026-02-10T16:05:00.000Z',
  },
});
