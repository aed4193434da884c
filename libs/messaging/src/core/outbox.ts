import { EntityManager } from 'typeorm';
import { OutgoingEvent } from '@throughline/contracts';
import { preparedQuery } from './prepared-statement';
import { activeTraceparent } from './tracing';

/** Postgres notification channel; NOTIFY inside a transaction is delivered only on commit. */
export const OUTBOX_CHANNEL = 'throughline_outbox';

/**
 * A change written in the same statement as its events: one round trip, atomic without a
 * BEGIN and COMMIT of its own. `sql` is one or more common table expressions (`name AS (…)`,
 * separated by commas, parameters numbered from $1), one of them named `applied`: the events,
 * their audit entries and the relay's wake-up are written only if `applied` returns a row —
 * e.g. an `UPDATE … WHERE version = $n RETURNING id` that finds the version moved on.
 */
export interface GuardedChange {
  sql: string;
  params: unknown[];
}

/** The events into the outbox and a wake-up for the relay, in one round trip; parameters after the guard's. */
function appendStatement(audit: boolean, guard: GuardedChange | undefined): string {
  const $ = (n: number) => `$${n + (guard?.params.length ?? 0)}`;
  const onlyIfApplied = guard ? ' WHERE EXISTS (SELECT FROM applied)' : '';
  const ctes = [
    `event AS (
    INSERT INTO outbox_event (event_id, topic, partition_key, event_type, envelope, traceparent)
    SELECT (envelope->>'id')::uuid, topic, partition_key, envelope->>'type', envelope, ${$(5)}
    FROM ROWS FROM (unnest(${$(1)}::text[]), unnest(${$(2)}::text[]), json_array_elements(${$(3)}::json)) AS e(topic, partition_key, envelope)${onlyIfApplied}
  )`,
  ];
  if (audit)
    ctes.push(`audit AS (
    INSERT INTO audit_entry (org_id, actor_id, event_id, event_type, subject, correlation_id, causation_id, at)
    SELECT (envelope->>'orgid')::uuid, (envelope->>'actorid')::uuid, (envelope->>'id')::uuid, envelope->>'type', envelope->>'subject', envelope->>'correlationid', envelope->>'causationid', (envelope->>'time')::timestamptz
    FROM json_array_elements(${$(3)}::json) AS e(envelope)${onlyIfApplied}
  )`);
  // With a guard, the one row (and the wake-up) only when it applied: no row tells the caller it did not.
  const wake = guard
    ? `SELECT pg_notify(${$(4)}, current_schema()) FROM applied LIMIT 1`
    : `SELECT pg_notify(${$(4)}, current_schema())`;
  return `WITH ${guard ? `${guard.sql},\n  ` : ''}${ctes.join(',\n  ')}\n  ${wake}`;
}

/**
 * Writes events into the outbox inside the caller's transaction, so the state change and
 * its events commit together or not at all. The relay publishes them afterwards.
 */
export class Outbox {
  constructor(private readonly topicPrefix: string) {}

  /** With `audit`, each event's audit entry (who, what, caused by what) is written in the same statement. */
  async append(tx: EntityManager, events: OutgoingEvent[], { audit = false }: { audit?: boolean } = {}): Promise<void> {
    if (events.length === 0) return;
    await this.write(tx, events, audit);
  }

  /**
   * The change itself (see GuardedChange), its events and (with `audit`) their audit entries in
   * one statement; false when the guard did not apply, and nothing was written.
   */
  async appendIf(
    tx: EntityManager,
    change: GuardedChange,
    events: OutgoingEvent[],
    { audit = false }: { audit?: boolean } = {},
  ): Promise<boolean> {
    return (await this.write(tx, events, audit, change)).length > 0;
  }

  private write(tx: EntityManager, events: OutgoingEvent[], audit: boolean, guard?: GuardedChange): Promise<unknown[]> {
    return preparedQuery(tx, appendStatement(audit, guard), [
      ...(guard?.params ?? []),
      events.map((event) => this.topicPrefix + event.topic),
      events.map((event) => event.key),
      // One JSON array, not a json[]: an array literal escapes every quote of every envelope on the
      // way in and is unescaped again; the statement ran 1.3× faster without (docs/benchmarks.md).
      JSON.stringify(events.map((event) => event.envelope)),
      OUTBOX_CHANNEL,
      // The change's trace (its request, or the consumed event that caused it): the relay continues it.
      activeTraceparent() ?? null,
    ]);
  }
}
