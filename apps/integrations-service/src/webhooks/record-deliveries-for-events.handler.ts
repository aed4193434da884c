import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CloudEvent, EVENT_DEFINITIONS, eventDefinition } from '@throughline/contracts';
import { HandleEvent, UnprocessableEventError } from '@throughline/messaging';
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
    const matching: { subscription_id: string }[] = await tx.query(
      `SELECT subscription_id FROM webhook_subscription WHERE org_id = $1 AND event_types && ARRAY[$2, '*']::text[] ORDER BY subscription_id`,
      [event.orgid, event.type],
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
      [matching.map((row) => row.subscription_id), event.id, event.orgid, event.type, key, this.clock.now()],
    );
  }
}
