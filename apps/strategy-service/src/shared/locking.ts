import { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import { DomainError, notFound } from '@throughline/service-kit';

/**
 * Loads a row for change, locked until the transaction ends, and checks the version the
 * client sent in If-Match. Rows of another organisation do not exist for the caller (404).
 */
export async function lockForChange<T extends { id: string; version: number }>(
  tx: EntityManager,
  entity: EntityTarget<T>,
  what: string,
  id: string,
  where: FindOptionsWhere<T>,
  expectedVersion?: number,
): Promise<T> {
  const row = await tx.findOne(entity, { where, lock: { mode: 'pessimistic_write' } });
  if (!row) throw notFound(what, id);
  assertVersion(what, row, expectedVersion);
  return row;
}

/** If-Match: the version the client read must still be the current one (412 otherwise). */
export function assertVersion(what: string, row: { id: string; version: number }, expectedVersion?: number): void {
  if (expectedVersion !== undefined && row.version !== expectedVersion) {
    throw new DomainError(
      'stale',
      `${what} ${row.id} is at version ${row.version}, not ${expectedVersion}: read it again and retry.`,
    );
  }
}
