import { EntityManager } from 'typeorm';
import { CloudEvent } from '@throughline/contracts';

/** Where a consumer transaction's events were read from. */
export interface TransactionSource {
  topic: string;
  partition: number;
}

const applying = new WeakMap<EntityManager, { events: readonly CloudEvent[]; source: TransactionSource }>();

/**
 * The events the consumer applies in this transaction, in order, without those already in the
 * inbox: a handler may look ahead and load in one statement what all of them will need.
 */
export function eventsOfTransaction(tx: EntityManager): readonly CloudEvent[] {
  return applying.get(tx)?.events ?? [];
}

/**
 * The partition a consumer transaction's events come from (none outside a consumer): state kept
 * per organisation between transactions belongs to it and is let go when it is assigned elsewhere.
 */
export function sourceOfTransaction(tx: EntityManager): TransactionSource | undefined {
  return applying.get(tx)?.source;
}

export function applyingInTransaction(
  tx: EntityManager,
  events: readonly CloudEvent[],
  source: TransactionSource,
): void {
  applying.set(tx, { events, source });
}
