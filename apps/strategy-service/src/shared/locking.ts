import { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import { notFound, assertVersion } from '@throughline/service-kit';

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
  assertVersion(`${what} ${id}`, row.version, expectedVersion);
  return row;
}
