import { EntityManager } from 'typeorm';
import { UnprocessableEventError } from '@throughline/messaging';
import { GoalReadModel } from './goal-read-model.entity';

/**
 * The goal an event is about, locked for this transaction. An event may arrive before
 * the goal it is about (replays, a late subscriber): then a placeholder keeps what the
 * event says, and later events fill in the rest. Nothing is lost, nothing dead-lettered.
 */
export async function lockGoalReadModel(tx: EntityManager, goalId: string, orgId: string): Promise<GoalReadModel> {
  await tx.query(
    `INSERT INTO goal_rm (goal_id, org_id, status) VALUES ($1, $2, 'unknown') ON CONFLICT (goal_id) DO NOTHING`,
    [goalId, orgId],
  );
  const goal = await tx.findOneOrFail(GoalReadModel, { where: { goalId }, lock: { mode: 'pessimistic_write' } });
  // A goal id is global; the same id under another organisation is a broken producer, not a retryable failure.
  if (goal.orgId !== orgId)
    throw new UnprocessableEventError(`goal ${goalId} belongs to another organisation than the event's (${orgId})`);
  return goal;
}
