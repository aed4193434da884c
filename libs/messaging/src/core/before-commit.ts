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

const scoped = new WeakMap<EntityManager, Map<object, unknown>>();

/**
 * A value kept for the rest of the consumer's transaction, made by `create` on first use: rows
 * its events gather for one set-based write (with `beforeCommit`), or a lookup that holds for
 * all of them. `key` names it, and a value of a rolled-back transaction is never seen again.
 */
export function perTransaction<T>(tx: EntityManager, key: object, create: () => T): T {
  const values = scoped.get(tx) ?? new Map<object, unknown>();
  scoped.set(tx, values);
  if (!values.has(key)) values.set(key, create());
  return values.get(key) as T;
}
