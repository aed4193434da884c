import { EntityManager } from 'typeorm';
import { notFound } from '@throughline/service-kit';
import { lockForChange } from '../shared/locking';
import { Goal } from './goal.entity';
import { assertGoalOpen } from './goal-lifecycle';

/** Locks the goal row for the transaction; changes to a goal's parts lock it too, so their sums are checked one at a time. */
export function lockGoal(tx: EntityManager, orgId: string, goalId: string, expectedVersion?: number): Promise<Goal> {
  return lockForChange(tx, Goal, 'Goal', goalId, { id: goalId, orgId }, expectedVersion);
}

/** Locks a goal whose parts are about to change; a closed goal refuses with 409. */
export async function lockOpenGoal(tx: EntityManager, orgId: string, goalId: string, change: string): Promise<Goal> {
  const goal = await lockGoal(tx, orgId, goalId);
  assertGoalOpen(goal.status, change);
  return goal;
}

export function goalSnapshot(goal: Goal) {
  const { id, parentGoalId, orgUnitId, ownerId, title, description, periodStart, periodEnd, weight, status, currency, budgetMinor, version } = goal;
  return { goalId: id, parentGoalId, orgUnitId, ownerId, title, description, periodStart, periodEnd, weight, status, currency, budgetMinor, version };
}

/** For reads of a goal's parts: the goal must exist in the caller's organisation (404 otherwise). */
export async function requireGoal(manager: EntityManager, orgId: string, goalId: string): Promise<Goal> {
  const goal = await manager.findOne(Goal, { where: { id: goalId, orgId } });
  if (!goal) throw notFound('Goal', goalId);
  return goal;
}
