import { EntityManager } from 'typeorm';
import { Actor, notFound, assertVersion } from '@throughline/service-kit';
import { AccessPolicy } from '../access/access-policy';
import { lockForChange } from '../shared/locking';
import { Goal } from './goal.entity';
import { assertGoalOpen } from './goal-lifecycle';

/**
 * Locks the goal row for the transaction once the caller may change it (404 when they may
 * not see it, 403 when they only see it), then checks If-Match; changes to a goal's parts
 * lock it too, so their sums are checked one at a time.
 */
export async function lockGoal(
  tx: EntityManager,
  access: AccessPolicy,
  actor: Actor,
  goalId: string,
  expectedVersion?: number,
): Promise<Goal> {
  const goal = await lockForChange(tx, Goal, 'Goal', goalId, { id: goalId, orgId: actor.orgId });
  await access.assertMayChange(tx, actor, goal);
  assertVersion(`Goal ${goalId}`, goal.version, expectedVersion);
  return goal;
}

/** Locks a goal whose parts are about to change; a closed goal refuses with 409. */
export async function lockOpenGoal(
  tx: EntityManager,
  access: AccessPolicy,
  actor: Actor,
  goalId: string,
  change: string,
): Promise<Goal> {
  const goal = await lockGoal(tx, access, actor, goalId);
  assertGoalOpen(goal.status, change);
  return goal;
}

/** For reads of a goal and its parts: the goal must exist in the caller's organisation and be theirs to see (404 otherwise). */
export async function requireGoal(
  manager: EntityManager,
  access: AccessPolicy,
  actor: Actor,
  goalId: string,
): Promise<Goal> {
  const goal = await manager.findOne(Goal, { where: { id: goalId, orgId: actor.orgId } });
  if (!goal) throw notFound('Goal', goalId);
  await access.assertMayRead(manager, actor, goal);
  return goal;
}
