import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { Currency, IsoDate, IsoDateTime, MinorUnits, Uuid, Weight } from '../schema-types';
import { DeliverableSnapshotSchema } from './strategy-snapshots';
import { Topics } from '../topics';

export const GoalActivatedV1 = defineEvent({
  type: 'throughline.goal.activated.v1',
  version: 1,
  topic: Topics.Goals,
  description: 'A goal became active: it now drives execution. Carries the deliverables that become tasks.',
  schema: Type.Object(
    {
      goalId: Uuid(),
      parentGoalId: Type.Union([Uuid(), Type.Null()]),
      orgUnitId: Uuid(),
      ownerId: Uuid('The director who owns the goal'),
      title: Type.String({ minLength: 1, maxLength: 200 }),
      periodStart: IsoDate(),
      periodEnd: IsoDate(),
      weight: Weight(),
      currency: Currency(),
      budgetMinor: MinorUnits('Total budget of the goal'),
      deliverables: Type.Array(DeliverableSnapshotSchema, { maxItems: 500 }),
      activatedAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId,
  subject: (data) => data.goalId,
  example: {
    goalId: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
    parentGoalId: null,
    orgUnitId: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
    ownerId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    title: 'Launch the new product line',
    periodStart: '2026-01-01',
    periodEnd: '2026-06-30',
    weight: 1,
    currency: 'EUR',
    budgetMinor: 12_000_000,
    deliverables: [
      {
        deliverableId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
        title: 'Pilot production run',
        managerId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
        dueDate: '2026-03-31',
        weight: 2,
        budgetMinor: 5_000_000,
      },
    ],
    activatedAt: '2026-01-05T09:00:00.000Z',
  },
});
