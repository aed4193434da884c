import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { Currency, IsoDateTime, MinorUnits, Uuid } from '../schema-types';
import { BudgetAllocationSchema, exampleDeliverable, exampleGoal } from './strategy-snapshots';
import { Topics } from '../topics';

export const BudgetRevisedV1 = defineEvent({
  type: 'throughline.budget.revised.v1',
  version: 1,
  topic: Topics.Goals,
  description: "A goal's budget or its allocation changed; revisions are numbered and kept, never overwritten.",
  schema: Type.Object(
    {
      goalId: Uuid(),
      revision: Type.Integer({ minimum: 1 }),
      currency: Currency(),
      totalMinor: MinorUnits(),
      allocations: Type.Array(BudgetAllocationSchema, { maxItems: 500 }),
      reason: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
      revisedBy: Uuid(),
      revisedAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId,
  subject: (data) => data.goalId,
  example: {
    goalId: exampleGoal.goalId,
    revision: 2,
    currency: 'EUR',
    totalMinor: 12_000_000,
    allocations: [{ managerId: exampleDeliverable.managerId, orgUnitId: null, amountMinor: 7_000_000 }],
    reason: 'Tooling costs were higher',
    revisedBy: exampleGoal.ownerId,
    revisedAt: '2026-02-01T10:00:00.000Z',
  },
});
