import { EntityManager } from 'typeorm';
import { OutgoingEvent } from '@throughline/contracts';

/** Postgres notification channel; NOTIFY inside a transaction is delivered only on commit. */
export const OUTBOX_CHANNEL = 'throughline_outbox';

/**
 * Writes events into the outbox inside the caller's transaction, so the state change and
 * its events commit together or not at all. The relay publishes them afterwards.
 */
export class Outbox {
  constructor(private readonly topicPrefix: string) {}

  async append(tx: EntityManager, ...events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const rows = events.map((event, index) => {
      values.push(event.envelope.id, this.topicPrefix + event.topic, event.key, event.envelope.type, JSON.stringify(event.envelope));
      const base = index * 5;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5})`;
    });
    await tx.query(`INSERT INTO outbox_event (event_id, topic, partition_key, event_type, envelope) VALUES ${rows.join(', ')}`, values);
    await tx.query(`SELECT pg_notify($1, current_schema())`, [OUTBOX_CHANNEL]);
  }
}
