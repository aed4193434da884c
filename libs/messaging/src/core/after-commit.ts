import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';

const waiting = new WeakMap<QueryRunner, Array<() => void>>();
const watched = new WeakSet<DataSource>();

/** Hears the end of every transaction of a data source (TypeORM broadcasts it to its subscribers). */
const transactionEnds: EntitySubscriberInterface = {
  afterTransactionCommit({ queryRunner }) {
    // The release of a savepoint is broadcast too: only the outermost commit makes the writes visible.
    if (queryRunner.isTransactionActive) return;
    const work = waiting.get(queryRunner);
    waiting.delete(queryRunner);
    work?.forEach((run) => run());
  },
  afterTransactionRollback({ queryRunner }) {
    if (!queryRunner.isTransactionActive) waiting.delete(queryRunner);
  },
};

/**
 * Runs `work` once what the manager wrote is committed: after its transaction's COMMIT, or at once
 * when it is not in a transaction (its statement committed on its own). Never after a rollback.
 * `work` must not throw: it runs inside TypeORM's commit, whose caller would take a committed
 * transaction for a failed one.
 */
export function afterCommit(manager: EntityManager, work: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return work();
  if (!watched.has(manager.connection)) {
    watched.add(manager.connection);
    manager.connection.subscribers.push(transactionEnds);
  }
  const queue = waiting.get(runner);
  if (queue) queue.push(work);
  else waiting.set(runner, [work]);
}
