import { EntityManager } from 'typeorm';
import { TaskHistoryEntry } from './task-history-entry.entity';

export interface HistoryCause {
  actorId: string | null;
  correlationId: string;
}

/** Appends to a task's history inside the transaction that made the change. */
export async function recordHistory(tx: EntityManager, taskId: string, change: string, details: Record<string, unknown>, cause: HistoryCause): Promise<void> {
  await tx.save(tx.create(TaskHistoryEntry, { taskId, change, details, actorId: cause.actorId, correlationId: cause.correlationId }));
}
