import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CloudEvent, EVENT_DEFINITIONS, eventDefinition } from '@throughline/contracts';
import { HandleEvent, perTransaction, preparedQuery, UnprocessableEventError } from '@throughline/messaging';
import { Clock, CLOCK } from '@throughline/service-kit';

/**
 * Every event of every topic: one delivery row per matching subscription of its
 * organisation, in the transaction that marks the event consumed — so each subscription
 * gets each event exactly once, however often Kafka redelivers it. The row's sequence
 * keeps the partition's order, which the dispatcher follows per subscription and key.
 */
@Injectable()
export class RecordDeliveriesForEvents {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  @HandleEvent(...EVENT_DEFINITIONS)
  async onEvent(event: CloudEvent, tx: EntityManager): Promise<void> {
    const definition = eventDefinition(event.type);
    if (!definition) throw new UnprocessableEventError(`unknown event type ${event.type}`);
    const matching = (await this.subscriptionsOf(tx, event.orgid)).filter(
      (subscription) => subscription.event_types.includes(event.type) || subscription.event_types.includes('*'),
    );
    if (matching.length === 0) return;
    const key = definition.partitionKey(event.data as never, event.orgid);
    await tx.query(
      `INSERT INTO webhook_event (event_id, org_id, event_type, subject, partition_key, body, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
      [event.id, event.orgid, event.type, event.subject, key, JSON.stringify(event), this.clock.now()],
    );
    await tx.query(
      `INSERT INTO webhook_delivery (subscription_id, event_id, org_id, event_type, partition_key, next_attempt_at)
       SELECT subscription_id, $2, $3, $4, $5, $6 FROM unnest($1::uuid[]) AS subscription_id
       ON CONFLICT (subscription_id, event_id) DO NOTHING`,
      [
        matching.map((subscription) => subscription.subscription_id),
        event.id,
        event.orgid,
        event.type,
        key,
        this.clock.now(),
      ],
    );
  }

  /** The organisation's subscriptions, read once per consumer transaction (which holds one organisation's events). */
  private subscriptionsOf(tx: EntityManager, orgId: string): Promise<Subscribed[]> {
    const byOrganisation = perTransaction(tx, SUBSCRIPTIONS, () => new Map<string, Promise<Subscribed[]>>());
    let subscriptions = byOrganisation.get(orgId);
    if (!subscriptions) {
      subscriptions = preparedQuery<Subscribed>(
        tx,
        `SELECT subscription_id, event_types FROM webhook_subscription WHERE org_id = $1 ORDER BY subscription_id`,
        [orgId],
      );
      byOrganisation.set(orgId, subscriptions);
    }
    return subscriptions;
  }
}

interface Subscribed {
  subscription_id: string;
  event_types: string[];
}

const SUBSCRIPTIONS = { holds: "each organisation's webhook subscriptions" };
