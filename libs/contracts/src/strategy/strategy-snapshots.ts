import { Type } from '@sinclair/typebox';
import { Currency, IsoDate, MinorUnits, Uuid, Weight } from '../schema-types';

export const GOAL_STATUS_NAMES = ['draft', 'active', 'achieved', 'missed', 'abandoned'] as const;
export const KPI_CATEGORIES = [
  'productivity',
  'operational_efficiency',
  'cost',
  'quality',
  'customer_satisfaction',
  'inventory_turnover',
  'growth',
  'profitability',
  'risk',
] as const;
export const RISK_STATUSES = ['open', 'mitigated', 'materialised', 'closed'] as const;

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((value) => Type.Literal(value)));

/** The full state of a goal, carried by its created and updated events. */
export const GoalSnapshotSchema = Type.Object(
  {
    goalId: Uuid(),
    parentGoalId: Type.Union([Uuid(), Type.Null()]),
    orgUnitId: Uuid(),
    ownerId: Uuid('The director who owns the goal'),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 5000 }),
    periodStart: IsoDate(),
    periodEnd: IsoDate(),
    weight: Weight(),
    status: literals(GOAL_STATUS_NAMES),
    currency: Currency(),
    budgetMinor: MinorUnits('Total budget of the goal'),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const DeliverableSnapshotSchema = Type.Object(
  {
    deliverableId: Uuid(),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    managerId: Uuid('The manager who owns the work'),
    dueDate: IsoDate(),
    weight: Weight(),
    budgetMinor: MinorUnits('Budget share of this deliverable'),
  },
  { additionalProperties: false },
);

export const KeyResultSnapshotSchema = Type.Object(
  {
    keyResultId: Uuid(),
    goalId: Uuid(),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    category: literals(KPI_CATEGORIES),
    unit: Type.String({ minLength: 1, maxLength: 40 }),
    baseline: Type.Number(),
    target: Type.Number(),
    direction: Type.Union([Type.Literal('increase'), Type.Literal('decrease')]),
    weight: Weight(),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const RiskSnapshotSchema = Type.Object(
  {
    riskId: Uuid(),
    goalId: Uuid(),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    likelihood: Type.Integer({ minimum: 1, maximum: 5 }),
    impact: Type.Integer({ minimum: 1, maximum: 5 }),
    ownerId: Uuid(),
    mitigation: Type.Union([Type.String({ maxLength: 5000 }), Type.Null()]),
    status: literals(RISK_STATUSES),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const BudgetAllocationSchema = Type.Object(
  {
    managerId: Type.Union([Uuid(), Type.Null()]),
    orgUnitId: Type.Union([Uuid(), Type.Null()]),
    amountMinor: MinorUnits(),
  },
  { additionalProperties: false, description: 'Exactly one of managerId and orgUnitId is set' },
);

const GOAL = '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
export const exampleGoal = {
  goalId: GOAL,
  parentGoalId: null,
  orgUnitId: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
  ownerId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  title: 'Launch the new product line',
  description: 'Bring the X200 to market in H1.',
  periodStart: '2026-01-01',
  periodEnd: '2026-06-30',
  weight: 1,
  status: 'draft' as const,
  currency: 'EUR',
  budgetMinor: 12_000_000,
  version: 1,
};
export const exampleDeliverable = {
  deliverableId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
  title: 'Pilot production run',
  managerId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
  dueDate: '2026-03-31',
  weight: 2,
  budgetMinor: 5_000_000,
};
export const exampleKeyResult = {
  keyResultId: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b',
  goalId: GOAL,
  name: 'Cost per unit',
  category: 'operational_efficiency' as const,
  unit: 'EUR',
  baseline: 52,
  target: 40,
  direction: 'decrease' as const,
  weight: 1,
  version: 1,
};
export const exampleRisk = {
  riskId: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  goalId: GOAL,
  title: 'Supplier cannot deliver the new casing in time',
  likelihood: 3,
  impact: 4,
  ownerId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  mitigation: null,
  status: 'open' as const,
  version: 1,
};
