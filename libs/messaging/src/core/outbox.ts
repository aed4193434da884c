import { EntityManager } from 'typeorm';
import { OutgoingEvent } from '@throughline/contracts';
import { activeTraceparent } from './tracing';

/** Postgres notification channel; NOTIFY inside a transaction is delivered only on commit. */
export const OUTBOX_CHANNEL = 'throughline_outbox';

/** The events into the outbox and a wake-up for the relay, in one round trip. */
const APPEND = `
  WITH event AS (
    INSERT INTO outbox_event (event_id, topic, partition_key, event_type, envelope, traceparent)
    SELECT (envelope->>'id')::uuid, topic, partition_key, envelope->>'type', envelope, $5 FROM unnest($1::text[], $2::text[], $3::json[]) AS e(topic, partition_key, envelope)
  )`;
const AUDIT = `,
  audit AS (
    INSERT INTO audit_entry (org_id, actor_id, event_id, event_type, subject, correlation_id, causation_id, at)
    SELECT (envelope->>'orgid')::uuid, (envelope->>'actorid')::uuid, (envelope->>'id')::uuid, envelope->>'type', envelope->>'subject', envelope->>'correlationid', envelope->>'causationid', (envelope->>'time')::timestamptz
    FROM unnest($3::json[]) AS e(envelope)
  )`;
const NOTIFY = `
  SELECT pg_notify($4, current_schema())`;

/**
 * Writes events into the outbox inside the caller's transaction, so the state change and
 * its events commit together or not at all. The relay publishes them afterwards.
 */
export class Outbox {
  constructor(private readonly topicPrefix: string) {}

  /** With `audit`, each event's audit entry (who, what, caused by what) is written in the same statement. */
  async append(tx: EntityManager, events: OutgoingEvent[], { audit = false }: { audit?: boolean } = {}): Promise<void> {
    if (events.length === 0) return;
    await tx.query(APPEND + (audit ? AUDIT : '') + NOTIFY, [
      events.map((event) => this.topicPrefix + event.topic),
      events.map((event) => event.key),
      events.map((event) => JSON.stringify(event.envelope)),
      OUTBOX_CHANNEL,
      // The change's trace (its request, or the consumed event that caused it): the relay continues it.
      activeTraceparent() ?? null,
    ]);
  }
}
