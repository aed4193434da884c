import { Span } from '@opentelemetry/api';
import { CompressionTypes, Message, Producer } from 'kafkajs';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { eventMessage } from './event-message';
import { MessagingLogger, silentLogger } from './kafka-client';
import { OUTBOX_CHANNEL, wakeRelays } from './outbox';
import { preparedOn } from './prepared-statement';
import { endSpans, startPublishSpan } from './tracing';

/**
 * Most envelope bytes per publish. An organisation's events share a partition
 * (`organisationPartitioner`), and a partition's record batch must stay under the broker's
 * `message.max.bytes` (1 MB by default), or the broker refuses the batch for good.
 */
const REQUEST_BYTES = 512 * 1024;

/** The first rows whose envelopes fit in one publish (at least one). */
function withinRequestBytes(rows: OutboxRow[]): OutboxRow[] {
  let bytes = 0;
  for (let count = 0; count < rows.length; count++) {
    bytes += Buffer.byteLength(rows[count].envelope);
    if (bytes > REQUEST_BYTES && count > 0) return rows.slice(0, count);
  }
  return rows;
}

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Fallback poll when no wake-up arrives (a notification lost, or LISTEN dropped). */
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  /** Published rows older than this are deleted; Kafka's retention keeps the history. */
  retainPublishedHours?: number;
  logger?: MessagingLogger;
  /**
   * The least time between the starts of two batches that published (5 ms by default), and at
   * least twice the last one's duration: the relay publishes at most half the time. Under load,
   * the commits of that time share one publish, and so one fetch and one transaction downstream:
   * each publish costs the broker and every consumer about the same whatever its size, and a
   * machine busy enough to slow the publishes is spared more of them. A commit after a quiet spell
   * goes out at once.
   */
  batchIntervalMs?: number;
  /**
   * How long events may wait while the session holding the schema does nothing before another
   * relay ends that session and takes over (10 s by default): a holder whose process is frozen or
   * hung keeps its lock, since its connection stays open, and no relay of the schema could publish.
   */
  stalledHolderAfterMs?: number;
  /** Fault-injection hook run after Kafka acknowledged a batch and before it is marked published. */
  afterPublish?: () => void | Promise<void>;
  /** Reports what was published, per topic (for metrics). */
  onPublished?: (topic: string, count: number) => void;
}

interface OutboxRow {
  seq: string;
  topic: string;
  partition_key: string;
  event_id: string;
  event_type: string;
  org_id: string;
  envelope: string;
  traceparent: string | null;
}

/** The schema's relay lock: the session holding it belongs to the active relay. */
const SCHEMA_LOCK = `hashtext('throughline_outbox:' || current_schema())`;

/** A connection the relay keeps for itself while it runs. */
interface RelaySession {
  client: PoolClient;
  /** Gives the connection back to the pool; with an error, the pool closes it (and its lock with it). */
  release: (error?: Error) => void;
  /** This session holds the schema's lock: its relay is the active one. */
  holdsSchema: boolean;
}

/**
 * Publishes outbox rows in commit order and marks them sent. One relay per schema is active at a
 * time: the one whose session holds the schema's advisory lock, so per-key order holds with
 * several instances. The lock is held for as long as that session lives, so a batch is two round
 * trips on it (read, then mark) with no transaction of its own; the others try for the lock when
 * woken, and wake the active one (NOTIFY) for what their own process committed.
 * A crash between publish and mark re-publishes the same event ids: consumers dedupe.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private pendingWake = false;
  /** A transaction of this process committed events since the last batch began. */
  private committedHere = false;
  private wakeIdle?: () => void;
  /** Where the relay listens for wake-ups, holds the schema's lock while active, and reads and marks its batches. */
  private session?: RelaySession;
  private readonly batchSize: number;
  private readonly batchIntervalMs: number;
  private readonly logger: MessagingLogger;
  private lastError: Error | null = null;
  private publishedTotal = 0;
  /** When this relay last looked for a stalled holder of the schema (at most once a second). */
  private lastStallCheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.batchIntervalMs = options.batchIntervalMs ?? 5;
    this.logger = options.logger ?? silentLogger;
  }

  get published(): number {
    return this.publishedTotal;
  }

  /** The last publish error, cleared by the next successful batch (readiness reads it). */
  get error(): Error | null {
    return this.lastError;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // Listening before the first commit it should hear of; if the database is away, the loop retries.
    await this.ensureSession().catch(() => undefined);
    this.loop = this.run();
  }

  /** Stops publishing and gives the session back clean; if it was the active relay, the others are woken to take over. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    try {
      await session.client.query(
        `UNLISTEN ${OUTBOX_CHANNEL}; SELECT pg_advisory_unlock_all(); RESET synchronous_commit`,
      );
      session.release();
    } catch (error) {
      session.release(error as Error);
    }
    if (session.holdsSchema) await wakeRelays(this.dataSource.manager).catch(() => undefined);
  }

  wake(): void {
    this.pendingWake = true;
    this.wakeIdle?.();
  }

  /**
   * A transaction of this process committed events (`Outbox.announceCommitsTo`): publish them now.
   * If another instance's relay holds the schema, or this one has stopped, that relay is woken instead.
   */
  committed(): void {
    if (!this.running) return void wakeRelays(this.dataSource.manager).catch(() => undefined);
    this.committedHere = true;
    this.wake();
  }

  async backlog(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS backlog FROM outbox_event WHERE published_at IS NULL`,
    );
    return row.backlog;
  }

  /**
   * Publishes one batch; returns how many events were sent, whether more were waiting, and whether
   * another relay holds the lock (then nothing was sent).
   */
  private async publishBatch(): Promise<{ sent: number; more: boolean; lockedElsewhere: boolean }> {
    const session = await this.ensureSession();
    // A failed statement may mean a lost connection, and with it the lock: start again on a new one.
    const query = <T>(sql: string, params: unknown[]) =>
      preparedOn<T>(session.client, sql, params).catch((error) => {
        this.dropSession(session, error);
        throw error;
      });
    if (!session.holdsSchema) {
      const [{ locked }] = await query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(${SCHEMA_LOCK}) AS locked`,
        [],
      );
      if (!locked) {
        await this.endStalledHolder(query);
        return { sent: 0, more: false, lockedElsewhere: true };
      }
      session.holdsSchema = true;
    }
    const read = await query<OutboxRow>(
      `SELECT seq, topic, partition_key, event_id, event_type, envelope->>'orgid' AS org_id, envelope::text AS envelope, traceparent
       FROM outbox_event WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
      [this.batchSize],
    );
    const rows = withinRequestBytes(read);
    if (rows.length === 0) return { sent: 0, more: false, lockedElsewhere: false };
    const byTopic = new Map<string, Message[]>();
    const spans: Span[] = [];
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? [];
      const traced = row.traceparent
        ? startPublishSpan(row.traceparent, row.topic, { id: row.event_id, type: row.event_type })
        : undefined;
      if (traced) spans.push(traced.span);
      messages.push(
        eventMessage(
          row.partition_key,
          row.envelope,
          { id: row.event_id, type: row.event_type, orgid: row.org_id },
          traced?.headers,
        ),
      );
      byTopic.set(row.topic, messages);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      endSpans(spans, error);
      throw error;
    }
    endSpans(spans);
    await this.options.afterPublish?.();
    await query(`UPDATE outbox_event SET published_at = now() WHERE seq = ANY($1::bigint[])`, [
      rows.map((row) => row.seq),
    ]);
    for (const [topic, messages] of byTopic) this.options.onPublished?.(topic, messages.length);
    return {
      sent: rows.length,
      more: read.length === this.batchSize || rows.length < read.length,
      lockedElsewhere: false,
    };
  }

  /**
   * Ends the session holding the schema if it has sent nothing for `stalledHolderAfterMs` while
   * events older than that wait; its lock goes with it, and the next try takes the schema. A live
   * holder polls at least every `pollIntervalMs`, so its session is never that quiet with events
   * waiting; if it was only slow (Kafka away), its unmarked events are published again and
   * consumers dedupe.
   */
  private async endStalledHolder(query: <T>(sql: string, params: unknown[]) => Promise<T[]>): Promise<void> {
    if (performance.now() - this.lastStallCheck < 1_000) return;
    this.lastStallCheck = performance.now();
    const [stalled] = await query<{ pid: number; ended: boolean }>(
      `SELECT holder.pid, pg_terminate_backend(holder.pid) AS ended
       FROM pg_locks holder JOIN pg_stat_activity activity ON activity.pid = holder.pid
       WHERE holder.locktype = 'advisory' AND holder.granted AND holder.objsubid = 1
         AND holder.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND holder.objid = (${SCHEMA_LOCK})::oid AND holder.pid <> pg_backend_pid()
         AND activity.state = 'idle' AND activity.state_change < now() - make_interval(secs => $1)
         AND EXISTS (SELECT 1 FROM outbox_event WHERE published_at IS NULL AND created_at < now() - make_interval(secs => $1))`,
      [(this.options.stalledHolderAfterMs ?? 10_000) / 1000],
    );
    if (!stalled?.ended) return;
    this.logger.warn(
      'outbox relay: the relay holding the schema sent nothing while events waited; ended its session to take over',
      {
        pid: stalled.pid,
      },
    );
    this.wake();
  }

  private async run(): Promise<void> {
    let backoffMs = 0;
    let batches = 0;
    let lastPublishStarted = Number.NEGATIVE_INFINITY;
    let lastPublishTook = 0;
    while (this.running) {
      try {
        const wait = lastPublishStarted + Math.max(this.batchIntervalMs, 2 * lastPublishTook) - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const started = performance.now();
        const committedHere = this.committedHere;
        this.committedHere = false;
        const { sent, more, lockedElsewhere } = await this.publishBatch();
        // Only for this process's commits: a relay woken by another's notification must not answer with one.
        if (lockedElsewhere && committedHere) await wakeRelays(this.dataSource.manager);
        if (sent > 0) {
          lastPublishStarted = started;
          lastPublishTook = performance.now() - started;
        }
        this.publishedTotal += sent;
        this.lastError = null;
        backoffMs = 0;
        if (++batches % 1000 === 0) await this.prunePublished();
        if (!more) await this.idle(this.options.pollIntervalMs ?? 500);
      } catch (error) {
        this.lastError = error as Error;
        backoffMs = Math.min(this.options.maxBackoffMs ?? 2000, backoffMs ? backoffMs * 2 : 100);
        this.logger.warn('outbox relay: publish failed, retrying', { error: String(error), backoffMs });
        await this.idle(backoffMs);
      }
    }
  }

  private async prunePublished(): Promise<void> {
    const hours = this.options.retainPublishedHours ?? 24 * 7;
    await this.dataSource.query(`DELETE FROM outbox_event WHERE published_at < now() - make_interval(hours => $1)`, [
      hours,
    ]);
  }

  private idle(ms: number): Promise<void> {
    if (this.pendingWake || !this.running) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeIdle = undefined;
        this.pendingWake = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeIdle = done;
    });
  }

  /**
   * The relay's session, opened if it has none. Other processes' notifications wake the relay on
   * it at once (events they committed while this relay holds the schema); without them it still
   * polls. A lost connection (database restart) drops the session, its lock with it, and the next
   * batch opens another.
   */
  private async ensureSession(): Promise<RelaySession> {
    if (this.session) return this.session;
    const driver = this.dataSource.driver as PostgresDriver;
    const schema = (this.dataSource.options as { schema?: string }).schema ?? 'public';
    const [client, release] = (await driver.obtainMasterConnection()) as [PoolClient, (error?: Error) => void];
    let released = false;
    const session: RelaySession = {
      client,
      holdsSchema: false,
      // Once, and without our listeners: a released client is the pool's, and may fail later in someone else's hands.
      release: (error?: Error) => {
        if (released) return;
        released = true;
        client.removeListener('error', onError);
        client.removeAllListeners('notification');
        release(error);
      },
    };
    const onError = (error: Error) => {
      this.logger.warn('outbox relay: its database connection was lost, opening another', { error: String(error) });
      this.dropSession(session, error);
    };
    client.on('notification', (message) => {
      if (message.channel === OUTBOX_CHANNEL && message.payload === schema) this.wake();
    });
    client.on('error', onError);
    try {
      // A mark lost in a crash of PostgreSQL only has its events published again (consumers
      // dedupe), so the relay's statements do not wait for the disk.
      await client.query(`LISTEN ${OUTBOX_CHANNEL}; SET synchronous_commit TO off`);
    } catch (error) {
      session.release(error as Error);
      throw error;
    }
    this.session = session;
    return session;
  }

  /** Closes a session that failed (the pool discards the connection, and the database its lock). */
  private dropSession(session: RelaySession, error: Error): void {
    if (this.session === session) this.session = undefined;
    session.release(error);
  }
}
