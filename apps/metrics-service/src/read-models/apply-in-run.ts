import { EntityManager } from 'typeorm';
import { CloudEvent, EVENT_DEFINITIONS, Topics } from '@throughline/contracts';
import { causedBy } from '@throughline/messaging';
import { ScoringEngine } from '../scoring/scoring-engine.service';
import { ScoringRun } from '../scoring/scoring-run';

/**
 * Applies one event inside its organisation's scoring run: the organisation's day moves to the
 * event's time and the change is applied; the scopes it touched are rescored before the
 * consumer's transaction commits, once for all the events that share it. A handler that reads
 * and writes tasks only through the run's held rows says so (`heldTasks`); before any other,
 * the held rows are written back and let go, so its SQL sees and changes the table itself.
 */
export async function applyInRun(
  engine: ScoringEngine,
  tx: EntityManager,
  event: CloudEvent,
  apply: (run: ScoringRun) => Promise<void>,
  { heldTasks = false }: { heldTasks?: boolean } = {},
): Promise<void> {
  const run = await engine.runInTransaction(tx, event.orgid, new Date(event.time), causedBy(event));
  // Only strategy and organisation events move or rename goals, units or people: what chains follow and scopes are called.
  if (!TASK_TOPIC_TYPES.has(event.type)) run.memory.forgetStructure();
  if (!heldTasks) await run.memory.tasks.release(tx);
  await apply(run);
}

const TASK_TOPIC_TYPES = new Set(
  EVENT_DEFINITIONS.filter((definition) => definition.topic === Topics.Tasks).map((definition) => definition.type),
);

/** Row of an existing aggregate locked for update, or undefined. */
export async function lockRow<T>(tx: EntityManager, sql: string, params: unknown[]): Promise<T | undefined> {
  const [row] = await tx.query(sql, params);
  return row as T | undefined;
}
