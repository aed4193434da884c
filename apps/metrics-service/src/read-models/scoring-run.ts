import { EntityManager } from 'typeorm';
import { CloudEvent } from '@throughline/contracts';
import { ScoringEngine, ScoringRun } from '../alignment/scoring-engine.service';

/**
 * Applies one event inside a scoring run: the organisation's day moves to the event's time,
 * the change is applied, and the scopes it touched are rescored — all in the event's transaction.
 */
export async function applyInRun(engine: ScoringEngine, tx: EntityManager, event: CloudEvent, apply: (run: ScoringRun) => Promise<void>): Promise<void> {
  const run = await engine.begin(tx, event.orgid, new Date(event.time), { orgId: event.orgid, correlationId: event.correlationid, causationId: event.id });
  await apply(run);
  await engine.finish(run);
}

/** Row of an existing aggregate locked for update, or undefined. */
export async function lockRow<T>(tx: EntityManager, sql: string, params: unknown[]): Promise<T | undefined> {
  const [row] = await tx.query(sql, params);
  return row as T | undefined;
}
