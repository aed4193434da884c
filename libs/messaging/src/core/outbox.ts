import { EntityManager } from 'typeorm';
import { OutgoingEvent } from '@throughline/contracts';
import { afterCommit } from './after-commit';
import { preparedQuery } from './prepared-statement';
import { activeTraceparent } from './tracing';

/** The channel on which a process wakes the relays of other processes (the relays LISTEN on it; the payload is the schema). */
export const OUTBOX_CHANNEL = 'throughline_outbox';

/**
 * Wakes the relays listening for a schema (the manager's): for events a process committed that
 * its own relay cannot publish (another instance's relay holds the schema, or it runs none). Not
 * in the writing transaction: PostgreSQL serialises the commits of every transaction that
 * notifies, and signals every listening backend of the database at each. The notification needs
 * no durability of its own, so its commit does not wait for the disk.
 */
export async function wakeRelays(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, current_schema())`, [
    OUTBOX_CHANNEL,
  ]);
}

/**
 * A change written in the same statement as its events: one round trip, atomic without a
 * BEGIN and COMMIT of its own. `sql` is one or more common table expressions (`name AS (…)`,
 * separated by commas, parameters numbered from $1), one of them named `applied`: the events
 * and their audit entries are written only if `applied` returns a row —
 * e.g. an `UPDATE … WHERE version = $n RETURNING id` that finds the version moved on.
 */
export interface GuardedChange {
  sql: string;
  params: unknown[];
}

/** The events into the outbox (and their audit entries) in one round trip; parameters after the guard's. */
function appendStatement(audit: boolean, guard: GuardedChange | undefined): string {
  const $ = (n: number) => `$${n + (guard?.params.length ?? 0)}`;
  const onlyIfApplied = guard ? ' WHERE EXISTS (SELECT FROM applied)' : '';
  const ctes = [
    `event AS (
    INSERT INTO outbox_event (event_id, topic, partition_key, event_type, envelope, traceparent)
    SELECT (envelope->>'id')::uuid, topic, partition_key, envelope->>'type', envelope, ${$(4)}
    FROM ROWS FROM (unnest(${$(1)}::text[]), unnest(${$(2)}::text[]), json_array_elements(${$(3)}::json)) AS e(topic, partition_key, envelope)${onlyIfApplied}
  )`,
  ];
  if (audit)
    ctes.push(`audit AS (
    INSERT INTO audit_entry (org_id, actor_id, event_id, event_type, subject, correlation_id, causation_id, at)
    SELECT (envelope->>'orgid')::uuid, (envelope->>'actorid')::uuid, (envelope->>'id')::uuid, envelope->>'type', envelope->>'subject', envelope->>'correlationid', envelope->>'causationid', (envelope->>'time')::timestamptz
    FROM json_array_elements(${$(3)}::json) AS e(envelope)${onlyIfApplied}
  )`);
  // With a guard, one row only when it applied: no row tells the caller it did not.
  const result = guard ? 'SELECT true AS applied FROM applied LIMIT 1' : 'SELECT true AS applied';
  return `WITH ${guard ? `${guard.sql},\n  ` : ''}${ctes.join(',\n  ')}\n  ${result}`;
}

/**
 * Writes events into the outbox inside the caller's transaction, so the state change and
 * its events commit together or not at all. The relay publishes them afterwards: once the
 * transaction has committed, the relay this process runs is told (`announceCommitsTo`); a
 * process without one wakes the listening relays of the schema.
 */
export class Outbox {
  private committed?: () => void;

  constructor(private readonly topicPrefix: string) {}

  /** Calls `committed` after each transaction that wrote events has committed. */
  announceCommitsTo(committed: () => void): void {
    this.committed = committed;
  }

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

  private async write(
    tx: EntityManager,
    events: OutgoingEvent[],
    audit: boolean,
    guard?: GuardedChange,
  ): Promise<unknown[]> {
    const rows = await preparedQuery(tx, appendStatement(audit, guard), [
      ...(guard?.params ?? []),
      events.map((event) => this.topicPrefix + event.topic),
      events.map((event) => event.key),
      // One JSON array, not a json[]: an array literal escapes every quote of every envelope on the
      // way in and is unescaped again; the statement ran 1.3× faster without (docs/benchmarks.md).
      JSON.stringify(events.map((event) => event.envelope)),
      // The change's trace (its request, or the consumed event that caused it): the relay continues it.
      activeTraceparent() ?? null,
    ]);
    if (rows.length > 0)
      afterCommit(
        tx,
        // The relays poll as well, so a wake-up that fails only delays the publish.
        this.committed ?? (() => void wakeRelays(tx.connection.manager).catch(() => undefined)),
      );
    return rows;
  }
}
