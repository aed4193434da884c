import 'reflect-metadata';
import {
  BudgetRevisedV1,
  createEvent,
  DeliverableAddedV1,
  GoalActivatedV1,
  GoalCreatedV1,
} from '@throughline/contracts';
import { CreateGoalDto } from './dto/goal.dto';
import { initialRevision, newDeliverable, newGoal, newKeyResult, reviseBudget } from './goal-changes';
import { budgetRevisedPayload, deliverablePayload, goalActivatedPayload, goalSnapshot } from './goal-events';
import { activate } from './goal-lifecycle';
import { Goal } from './goal.entity';

const org = '00000000-0000-4000-8000-0000000000f0';
const dana = '00000000-0000-4000-8000-00000000000d';
const milo = '00000000-0000-4000-8000-00000000000a';
const unit = '00000000-0000-4000-8000-0000000000a1';
const at = new Date('2026-11-30T09:00:00Z');
const input = {
  title: 'Launch',
  ownerId: dana,
  orgUnitId: unit,
  periodStart: '2027-01-01',
  periodEnd: '2027-12-31',
  budget: { currency: 'EUR', amountMinor: 100_000 },
} as CreateGoalDto;
const saved = (): Goal => ({
  ...newGoal(org, input),
  id: '00000000-0000-4000-8000-000000000001',
  version: 1,
  createdAt: at,
  updatedAt: at,
});
const meta = { source: '/throughline/strategy-service', orgId: org, correlationId: 'c' };

describe('the rows and events of a goal and its parts', () => {
  it('a new goal is a draft with the defaults the API documents, and its first budget revision is its budget', () => {
    expect(newGoal(org, input)).toMatchObject({
      description: '',
      parentGoalId: null,
      weight: 1,
      status: 'draft',
      budgetRevision: 1,
      budgetMinor: 100_000,
      activatedAt: null,
      closedAt: null,
    });
    const goal = saved();
    expect(initialRevision(goal, dana)).toEqual({
      goalId: goal.id,
      revision: 1,
      orgId: org,
      currency: 'EUR',
      totalMinor: 100_000,
      allocations: [],
      reason: 'Initial budget',
      revisedBy: dana,
      revisedAt: at,
    });
    expect(createEvent(GoalCreatedV1, goalSnapshot(goal), meta).key).toBe(goal.id);
  });

  it("a budget revision takes the next number and moves the goal's total with it", () => {
    const goal = saved();
    const allocations = [{ managerId: milo, orgUnitId: null, amountMinor: 60_000 }];
    const revision = reviseBudget(goal, { totalMinor: 90_000, allocations, reason: 'Split' }, dana, at);
    expect(revision).toMatchObject({ revision: 2, totalMinor: 90_000, allocations, reason: 'Split' });
    expect(goal).toMatchObject({ budgetRevision: 2, budgetMinor: 90_000 });
    expect(createEvent(BudgetRevisedV1, budgetRevisedPayload(revision), meta).envelope.data).toMatchObject({
      goalId: goal.id,
      revision: 2,
      revisedAt: at.toISOString(),
    });
  });

  it('key results and deliverables weigh 1 unless told; activation carries the deliverables', () => {
    const goal = saved();
    expect(
      newKeyResult(org, goal.id, {
        name: 'Share',
        category: 'growth',
        unit: '%',
        baseline: 1,
        target: 2,
        direction: 'increase',
      }),
    ).toMatchObject({ goalId: goal.id, orgId: org, weight: 1 });
    const deliverable = {
      ...newDeliverable(org, goal.id, { title: 'Pilot', managerId: milo, dueDate: '2027-06-30', budgetMinor: 5 }),
      id: '00000000-0000-4000-8000-000000000002',
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    expect(deliverable).toMatchObject({ weight: 1, removedAt: null, removalReason: null });
    expect(createEvent(DeliverableAddedV1, deliverablePayload(goal, deliverable), meta).envelope.data).toMatchObject({
      goalStatus: 'draft',
      currency: 'EUR',
      deliverable: { deliverableId: deliverable.id, managerId: milo, budgetMinor: 5 },
    });
    activate(goal, at);
    const activated = goalActivatedPayload(goal, [deliverable]);
    expect(createEvent(GoalActivatedV1, activated, meta).key).toBe(goal.id);
    expect(activated).toMatchObject({ goalId: goal.id, activatedAt: at.toISOString() });
    expect(activated.deliverables.map((entry) => entry.deliverableId)).toEqual([deliverable.id]);
  });
});
