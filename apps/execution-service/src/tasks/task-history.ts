import { EntityManager } from 'typeorm';
import { EventContext } from '@throughline/messaging';
import { TaskHistoryEntry } from './task-history-entry.entity';

/** Appends to a task's history inside the transaction that made the change: one INSERT, without an entity save's bookkeeping. */
export async function recordHistory(
  tx: EntityManager,
  taskId: string,
  change: string,
  details: Record<string, unknown>,
  cause: EventContext,
): Promise<void> {
  // insert()'s partial-entity type refuses Record<string, unknown> for the jsonb column; the value is stored as is.
  await tx.insert(TaskHistoryEntry, {
    taskId,
    change,
    details: details as object,
    actorId: cause.actorId ?? null,
    correlationId: cause.correlationId,
  });
}
