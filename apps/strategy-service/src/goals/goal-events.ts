import { BudgetRevision } from './budgets/budget-revision.entity';
import { Deliverable } from './deliverables/deliverable.entity';
import { KeyResult } from './key-results/key-result.entity';
import { Risk } from './risks/risk.entity';
import { Goal } from './goal.entity';

/**
 * The payloads of the goal aggregate's events, built from its rows in one place, so that what
 * an event carries is read beside the contracts (libs/contracts/src/strategy) and nowhere else.
 */
export function goalSnapshot(goal: Goal) {
  const {
    id,
    parentGoalId,
    orgUnitId,
    ownerId,
    title,
    description,
    periodStart,
    periodEnd,
    weight,
    status,
    currency,
    budgetMinor,
    version,
  } = goal;
  return {
    goalId: id,
    parentGoalId,
    orgUnitId,
    ownerId,
    title,
    description,
    periodStart,
    periodEnd,
    weight,
    status,
    currency,
    budgetMinor,
    version,
  };
}

/** goal.activated: the goal as it starts, with the deliverables execution turns into tasks. */
export function goalActivatedPayload(goal: Goal & { activatedAt: Date }, deliverables: readonly Deliverable[]) {
  const { goalId, parentGoalId, orgUnitId, ownerId, title, periodStart, periodEnd, weight, currency, budgetMinor } =
    goalSnapshot(goal);
  return {
    goalId,
    parentGoalId,
    orgUnitId,
    ownerId,
    title,
    periodStart,
    periodEnd,
    weight,
    currency,
    budgetMinor,
    deliverables: deliverables.map(deliverableSnapshot),
    activatedAt: goal.activatedAt.toISOString(),
  };
}

/** deliverable.added and deliverable.changed: the deliverable with its goal's status and currency. */
export function deliverablePayload(goal: Pick<Goal, 'id' | 'status' | 'currency'>, deliverable: Deliverable) {
  return {
    goalId: goal.id,
    goalStatus: goal.status,
    currency: goal.currency,
    deliverable: deliverableSnapshot(deliverable),
  };
}

export function budgetRevisedPayload(revision: BudgetRevision) {
  const { goalId, currency, totalMinor, allocations, reason, revisedBy, revisedAt } = revision;
  return {
    goalId,
    revision: revision.revision,
    currency,
    totalMinor,
    allocations,
    reason,
    revisedBy,
    revisedAt: revisedAt.toISOString(),
  };
}

export function deliverableSnapshot(deliverable: Deliverable) {
  const { id, title, managerId, dueDate, weight, budgetMinor } = deliverable;
  return { deliverableId: id, title, managerId, dueDate, weight, budgetMinor };
}

export function keyResultSnapshot(keyResult: KeyResult) {
  const { id, goalId, name, category, unit, baseline, target, direction, weight, version } = keyResult;
  return { keyResultId: id, goalId, name, category, unit, baseline, target, direction, weight, version };
}

export function riskSnapshot(risk: Risk) {
  const { id, goalId, title, likelihood, impact, ownerId, mitigation, status, version } = risk;
  return { riskId: id, goalId, title, likelihood, impact, ownerId, mitigation, status, version };
}
