import { EntityManager } from 'typeorm';
import { CloudEvent } from '@throughline/contracts';

const applying = new WeakMap<EntityManager, readonly CloudEvent[]>();

/**
 * The events the consumer applies in this transaction, in order, without those already in the
 * inbox: a handler may look ahead and load in one statement what all of them will need.
 */
export function eventsOfTransaction(tx: EntityManager): readonly CloudEvent[] {
  return applying.get(tx) ?? [];
}

export function applyingInTransaction(tx: EntityManager, events: readonly CloudEvent[]): void {
  applying.set(tx, events);
}
