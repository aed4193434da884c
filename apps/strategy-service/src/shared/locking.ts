import { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import { DomainError, notFound } from '@throughline/service-kit';

/**
 * Loads a row for change, locked until the transaction ends, and checks the version the
 * client sent in If-Match. Rows of another organisation do not exist for the caller (404).
 */
export async function lockForChange<T extends { version: number }>(tx: EntityManager, entity: EntityTarget<T>, what: string, id: string, where: FindOptionsWhere<T>, expectedVersion?: number): Promise<T> {
  const row = await tx.findOne(entity, { where, lock: { mode: 'pessimistic_write' } });
  if (!row) throw notFound(what, id);
  if (expectedVersion !== undefined && row.version !== expectedVersion) {
    throw new DomainError('stale', `${what} ${id} is at version ${row.version}, not ${expectedVersion}: read it again and retry.`);
  }
  return row;
}
