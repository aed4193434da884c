import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` in the caller's transaction when there is one (a spreadsheet import commits
 * all its rows together, through the same service methods as the API), else in a new one.
 */
export function inTransaction<T>(
  dataSource: DataSource,
  tx: EntityManager | undefined,
  work: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  return tx ? work(tx) : dataSource.transaction(work);
}
