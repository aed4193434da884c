import { Span } from '@opentelemetry/api';
import { CompressionTypes, Message, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { eventMessage } from './event-message';
import { MessagingLogger, silentLogger } from './kafka-client';
import { OUTBOX_CHANNEL, wakeRelays } from './outbox';
import { preparedQuery } from './prepared-statement';
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
   * The least time between the starts of two batches that published (5 ms by default). Under load,
   * the commits of that time share one publish, and so one fetch and one transaction downstream:
   * each publish costs the broker and every consumer about the same whatever its size. A commit
   * after a quiet spell goes out at once.
   */
  batchIntervalMs?: number;
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

/**
 * Publishes outbox rows in commit order and marks them sent. One relay per schema is
 * active at a time (an advisory lock), so per-key order holds with several instances.
 * A crash between publish and mark re-publishes the same event ids: consumers dedupe.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private pendingWake = false;
  /** A transaction of this process committed events since the last batch began. */
  private committedHere = false;
  private wakeIdle?: () => void;
  private listener?: {
    release: (error?: Error) => void;
    client: { query: (sql: string) => Promise<unknown>; removeAllListeners: (event: string) => void };
  };
  private nextListenAttempt = 0;
  private readonly batchSize: number;
  private readonly batchIntervalMs: number;
  private readonly logger: MessagingLogger;
  private lastError: Error | null = null;
  private publishedTotal = 0;

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
    await this.ensureListening();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    if (this.listener) {
      await this.listener.client.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
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
    return this.dataSource.transaction(async (tx) => {
      // The schema's lock and the rows in one round trip: one row with no event when the lock is
      // held elsewhere or nothing waits; the rows are read only once the lock is this relay's.
      const found = await preparedQuery<OutboxRow & { locked: boolean }>(
        tx,
        `WITH lock AS (SELECT pg_try_advisory_xact_lock(hashtext('throughline_outbox:' || current_schema())) AS locked)
         SELECT lock.locked, waiting.* FROM lock LEFT JOIN LATERAL (
           SELECT seq, topic, partition_key, event_id, event_type, envelope->>'orgid' AS org_id, envelope::text AS envelope, traceparent
           FROM outbox_event WHERE lock.locked AND published_at IS NULL ORDER BY seq LIMIT $1
         ) AS waiting ON true ORDER BY waiting.seq`,
        [this.batchSize],
      );
      if (!found[0].locked) return { sent: 0, more: false, lockedElsewhere: true };
      const read = found.filter((row) => row.seq !== null);
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
      await preparedQuery(tx, `UPDATE outbox_event SET published_at = now() WHERE seq = ANY($1::bigint[])`, [
        rows.map((row) => row.seq),
      ]);
      for (const [topic, messages] of byTopic) this.options.onPublished?.(topic, messages.length);
      return {
        sent: rows.length,
        more: read.length === this.batchSize || rows.length < read.length,
        lockedElsewhere: false,
      };
    });
  }

  private async run(): Promise<void> {
    let backoffMs = 0;
    let batches = 0;
    let lastPublishStarted = Number.NEGATIVE_INFINITY;
    while (this.running) {
      await this.ensureListening();
      try {
        const wait = lastPublishStarted + this.batchIntervalMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const started = performance.now();
        const committedHere = this.committedHere;
        this.committedHere = false;
        const { sent, more, lockedElsewhere } = await this.publishBatch();
        // Only for this process's commits: a relay woken by another's notification must not answer with one.
        if (lockedElsewhere && committedHere) await wakeRelays(this.dataSource.manager);
        if (sent > 0) lastPublishStarted = started;
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
   * Other processes' notifications wake the relay at once (events they committed while this relay
   * holds the schema); without them it still polls. A lost connection (database restart) is
   * dropped and listening is retried a few seconds later.
   */
  private async ensureListening(): Promise<void> {
    if (this.listener || Date.now() < this.nextListenAttempt) return;
    this.nextListenAttempt = Date.now() + 5000;
    try {
      const driver = this.dataSource.driver as PostgresDriver;
      const schema = (this.dataSource.options as { schema?: string }).schema ?? 'public';
      const [client, release] = await driver.obtainMasterConnection();
      const onError = (error: Error) => {
        this.logger.warn('outbox relay: notification connection lost, polling until it is back', {
          error: String(error),
        });
        if (this.listener === listener) this.listener = undefined;
        listener.release(error);
      };
      let released = false;
      const listener = {
        client,
        // Once, and without our listeners: a released client is the pool's, and may fail later in someone else's hands.
        release: (error?: Error) => {
          if (released) return;
          released = true;
          client.removeListener('error', onError);
          client.removeAllListeners('notification');
          release(error);
        },
      };
      client.on('notification', (message: { channel: string; payload?: string }) => {
        if (message.channel === OUTBOX_CHANNEL && message.payload === schema) this.wake();
      });
      client.on('error', onError);
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = listener;
    } catch (error) {
      this.logger.warn('outbox relay: LISTEN failed, polling only for now', { error: String(error) });
    }
  }
}
