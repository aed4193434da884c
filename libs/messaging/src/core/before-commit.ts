import { EntityManager } from 'typeorm';

const pending = new WeakMap<EntityManager, Array<() => Promise<void>>>();

/**
 * Defers work to the end of the consumer's transaction, after every event in it has been
 * handled: a read model that several events touch is then brought up to date once per
 * transaction rather than once per event. The work may defer more work; it all runs before commit.
 */
export function beforeCommit(tx: EntityManager, work: () => Promise<void>): void {
  const queue = pending.get(tx);
  if (queue) queue.push(work);
  else pending.set(tx, [work]);
}

/** Runs what handlers deferred in this transaction, in the order they deferred it. */
export async function runBeforeCommit(tx: EntityManager): Promise<void> {
  for (let queue = pending.get(tx); queue && queue.length > 0; queue = pending.get(tx)) {
    pending.delete(tx);
    for (const work of queue) await work();
  }
}
