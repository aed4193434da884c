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
