import { setTimeout as delay } from 'node:timers/promises';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage, PartitionAssigners } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { CloudEvent, EventValidationError, parseEvent } from '@throughline/contracts';
import { coPartitionedAssigner } from './co-partitioned-assigner';
import { runBeforeCommit } from './before-commit';
import { preparedQuery } from './prepared-statement';
import { DeadLetterPublisher } from './dead-letter';
import { whileHandling } from './handled-event';
import { inConsumeSpan } from './tracing';
import { applyingInTransaction } from './transaction-events';
import { isTransientDatabaseFailure } from './transient-failure';
import { MessagingLogger, silentLogger } from './kafka-client';

/** A handler runs inside the transaction that also records the event as processed. */
export type EventHandlerFn = (event: CloudEvent<any>, tx: EntityManager) => Promise<void>;

/** Thrown by a handler for an event that can never succeed: it is dead-lettered at once, without retries. */
export class UnprocessableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}

export interface EventConsumerOptions {
  kafka: Kafka;
  dataSource: DataSource;
  groupId: string;
  /**
   * Whose inbox rows it writes and dedups against (default: `groupId`): a rebuild reads under a
   * group of its own but records events as the live group, so the live consumer skips what it applied.
   */
  inboxConsumer?: string;
  topics: string[];
  /** Event type → handlers. Types without a handler are acknowledged and skipped. */
  handlers: ReadonlyMap<string, EventHandlerFn[]>;
  deadLetters: Pick<DeadLetterPublisher, 'publish'>;
  maxAttempts?: number;
  retryBackoffMs?: number;
  /** Most waiting events of one organisation applied in one transaction (1: one event per transaction). */
  maxEventsPerTransaction?: number;
  partitionsConsumedConcurrently?: number;
  logger?: MessagingLogger;
  /** Fault-injection hook run after the database commit and before the offset is resolved. */
  afterCommit?: (event: CloudEvent) => void | Promise<void>;
  /** Told the partitions this member owns after each rebalance (topic → partitions). */
  onAssignment?: (assignment: Readonly<Record<string, number[]>>) => void;
  /** Reports each message's outcome (for metrics). */
  onOutcome?: (outcome: ConsumeOutcome, eventType: string) => void;
  /**
   * One owner per organisation: partition p of every topic goes to the same member
   * (`coPartitionedAssigner`), and that member applies them one at a time. The services place
   * each event by its organisation (`organisationPartitioner`), so every event of an organisation
   * is applied by the one member that owns its partition number.
   */
  ownerPerOrganisation?: boolean;
}

/** What applying an event needs of the batch it came in: to keep the membership alive, and to know when to give up the batch. */
type BatchControl = Pick<EachBatchPayload, 'heartbeat' | 'isRunning' | 'isStale'>;

/**
 * Thrown out of a batch the consumer gives up (it is stopping, or the partition went to another
 * member): its offsets are not moved, so whoever owns the partition next applies what is left.
 */
class BatchGivenUp extends Error {
  constructor(readonly failure: unknown) {
    super(`batch given up: ${String(failure)}`);
  }
}

/** The longest wait between attempts at an event the database failed (it is retried until the database is back). */
const MAX_TRANSIENT_BACKOFF_MS = 5_000;

/** Backoff of a consumer started again after a crash kafkajs does not restart. */
const RESTART_DELAY = { firstMs: 1000, maxMs: 30_000 };

export type ConsumeOutcome = 'processed' | 'duplicate' | 'skipped' | 'retried' | 'dead_lettered';

export type ConsumerStats = Record<ConsumeOutcome, number>;

/** An event read at an offset, with the handlers of its type. */
export interface EventDelivery {
  event: CloudEvent;
  handlers: EventHandlerFn[];
  offset: string;
}

/** A message read from a partition whose event parsed. */
interface Delivery {
  message: KafkaMessage;
  event: CloudEvent;
  handlers: EventHandlerFn[];
}

/** Which handler failed inside a transaction, so the events before it need not wait for retries. */
export class HandlerFailure extends Error {
  constructor(
    readonly index: number,
    readonly failure: unknown,
  ) {
    super(String(failure));
  }
}

/**
 * At-least-once delivery, exactly-once effects: each event's handlers run in one
 * transaction together with an inbox insert keyed by (consumer, event id); a duplicate
 * finds the key taken and does nothing. Offsets are resolved only after the commit.
 *
 * When events queue up, the events of one organisation in a fetched batch share a transaction
 * (in their order, up to `maxEventsPerTransaction`), so a read model they all touch is written
 * once per batch; an event whose handler fails is then retried on its own, and the others are
 * not held back. The batch's offset moves once all of its organisations have committed.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private crashed: Error | null = null;
  private stopped = true;
  /** Aborted by `stop`, so a wait between attempts ends at once. */
  private stopping = new AbortController();
  private restartTimer?: NodeJS.Timeout;
  private restartDelayMs = RESTART_DELAY.firstMs;
  readonly stats: ConsumerStats = { processed: 0, duplicate: 0, skipped: 0, retried: 0, dead_lettered: 0 };
  private readonly logger: MessagingLogger;
  private readonly resolved = new Map<string, string>();
  /** With one owner per organisation: per partition number, the batches waiting for the one being applied. */
  private readonly turns = new Map<number, Array<{ firstTimestamp: number; start: () => void }>>();

  constructor(private readonly options: EventConsumerOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Set from a crash kafkajs does not restart until the consumer has joined its group again; the messaging health reports it. */
  get crashError(): Error | null {
    return this.crashed;
  }

  /** The offset of the last message of a partition this consumer has finished with. */
  resolvedOffset(topic: string, partition: number): bigint | undefined {
    const offset = this.resolved.get(`${topic}/${partition}`);
    return offset === undefined ? undefined : BigInt(offset);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.stopping = new AbortController();
    await this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    clearTimeout(this.restartTimer);
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async open(): Promise<void> {
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      // The broker answers a fetch as soon as an event arrives, so this bounds only how often an idle
      // consumer asks again (and how long a stop waits for the fetch in flight): at 100 ms, the idle
      // broker spent twice the CPU, and freshness was the same (bench/findings.md).
      maxWaitTimeInMs: 1_000,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // A fetch brings at least a transaction's worth of events of a partition (about 1 KB each), not kafkajs's 1 MB.
      maxBytesPerPartition: Math.max(1024 * 1024, (this.options.maxEventsPerTransaction ?? 0) * 1024),
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
      // Round robin stays on offer, so members of an earlier version can share the group while they are replaced.
      partitionAssigners: this.options.ownerPerOrganisation
        ? [coPartitionedAssigner, PartitionAssigners.roundRobin]
        : [PartitionAssigners.roundRobin],
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crashed = payload.restart ? null : payload.error;
      this.logger.error('consumer crashed', {
        error: String(payload.error),
        restart: payload.restart,
        group: this.options.groupId,
      });
      if (!payload.restart) this.restartAfterCrash(consumer);
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.crashed = null;
      this.restartDelayMs = RESTART_DELAY.firstMs;
      this.options.onAssignment?.(payload.memberAssignment);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
        eachBatch: (payload) =>
          this.options.ownerPerOrganisation
            ? this.inTurn(payload, () => this.consumeBatch(payload))
            : this.consumeBatch(payload),
      });
    } catch (error) {
      // A failed start leaves nothing behind, so the caller can simply try again.
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    // Stopped while a restart was starting: this consumer must not outlive the stop.
    if (this.stopped) return consumer.disconnect();
    this.consumer = consumer;
  }

  /**
   * kafkajs restarts a consumer only after errors it classes as retriable; any other error thrown
   * from a batch (a produce the broker refuses for good, a TypeError) would leave this instance's
   * partitions unread until the process restarts. A new consumer takes over instead, with backoff; it resumes
   * from the committed offsets, and the inbox drops what had been applied.
   */
  private restartAfterCrash(crashed: Consumer): void {
    if (this.stopped) return;
    const delayMs = this.restartDelayMs;
    this.restartDelayMs = Math.min(delayMs * 2, RESTART_DELAY.maxMs);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.stopped) return;
      if (this.consumer === crashed) this.consumer = undefined;
      this.logger.warn('consumer restarting after a crash', { group: this.options.groupId, afterMs: delayMs });
      this.open().catch((error) => {
        this.crashed = error as Error;
        this.logger.error('consumer restart failed', { error: String(error), group: this.options.groupId });
        this.restartAfterCrash(crashed);
      });
    }, delayMs);
  }

  /**
   * Applies the batches of one partition number (the same organisations, from different topics)
   * one after another, the one whose first event is oldest first: Kafka keeps no order across
   * topics, and this keeps a producer's order across them wherever its events wait together — as a
   * Kafka Streams task picks among its partitions by timestamp. A batch starts a turn after it
   * arrived, so the batches of one fetch are all there to choose from.
   */
  private inTurn({ batch }: EachBatchPayload, run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiting = this.turns.get(batch.partition);
      const entry = {
        firstTimestamp: Number(batch.messages[0]?.timestamp ?? 0),
        start: () =>
          run()
            .then(resolve, reject)
            .finally(() => this.nextInTurn(batch.partition)),
      };
      if (waiting) return void waiting.push(entry);
      this.turns.set(batch.partition, [entry]);
      setImmediate(() => this.nextInTurn(batch.partition));
    });
  }

  private nextInTurn(partition: number): void {
    const waiting = this.turns.get(partition)!;
    if (waiting.length === 0) return void this.turns.delete(partition);
    const oldest = waiting.reduce(
      (best, entry, index) => (entry.firstTimestamp < waiting[best].firstTimestamp ? index : best),
      0,
    );
    waiting.splice(oldest, 1)[0].start();
  }

  /** A batch, given up (not failed) when the consumer stops or the partition moves while an event fails. */
  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const control: BatchControl = {
      heartbeat: payload.heartbeat,
      isRunning: () => payload.isRunning() && !this.stopped,
      isStale: payload.isStale,
    };
    try {
      await this.consumeMessages(payload, control);
    } catch (error) {
      if (!(error instanceof BatchGivenUp)) throw error;
      this.logger.warn('batch given up, its events go to the next owner of the partition', {
        topic: payload.batch.topic,
        partition: payload.batch.partition,
        error: String(error.failure),
      });
    }
  }

  private async consumeMessages(
    { batch, resolveOffset, commitOffsetsIfNecessary }: EachBatchPayload,
    control: BatchControl,
  ): Promise<void> {
    const { heartbeat, isRunning, isStale } = control;
    const { topic, partition } = batch;
    const maxPerTransaction = this.options.maxEventsPerTransaction ?? 100;
    const settle = async (offset: string) => {
      resolveOffset(offset);
      this.resolved.set(`${topic}/${partition}`, offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    };
    // Waiting events by organisation: each organisation's events keep their order, and organisations are independent.
    const waiting = new Map<string, Delivery[]>();
    let lastRead: string | undefined;
    const applyWaiting = async (orgId: string) => {
      const deliveries = waiting.get(orgId) ?? [];
      waiting.delete(orgId);
      await this.applyTogether(topic, partition, deliveries, control);
      await heartbeat();
    };
    for (const message of batch.messages) {
      // On shutdown or rebalance the rest of the batch is abandoned; it is redelivered to whoever owns the partition next.
      if (!isRunning() || isStale()) return;
      const delivery = this.read(message);
      lastRead = message.offset;
      if (!('event' in delivery)) {
        await this.deadLetter(topic, partition, message, delivery.invalid, 1, 'invalid');
        continue;
      }
      if (delivery.handlers.length === 0) {
        this.count('skipped', delivery.event.type);
        continue;
      }
      const orgId = delivery.event.orgid;
      const group = waiting.get(orgId) ?? [];
      group.push(delivery);
      waiting.set(orgId, group);
      if (group.length >= maxPerTransaction) await applyWaiting(orgId);
    }
    for (const orgId of [...waiting.keys()]) {
      if (!isRunning() || isStale()) return;
      await applyWaiting(orgId);
    }
    // Offsets move only when everything read before them is committed (or dead-lettered).
    if (lastRead !== undefined) await settle(lastRead);
  }

  private read(message: KafkaMessage): Delivery | { invalid: string } {
    try {
      const event = parseEvent(message.value);
      return { message, event, handlers: this.options.handlers.get(event.type) ?? [] };
    } catch (error) {
      return { invalid: (error as Error).message };
    }
  }

  /** Applies events in one transaction; when a handler fails, those before it commit together and it is retried alone. */
  private async applyTogether(
    topic: string,
    partition: number,
    deliveries: Delivery[],
    control: BatchControl,
  ): Promise<void> {
    if (deliveries.length === 0) return;
    if (deliveries.length === 1) return this.applyAlone(topic, partition, deliveries[0], control);
    let outcomes: ConsumeOutcome[];
    try {
      outcomes = await this.applyEventsOnce(topic, partition, deliveries);
    } catch (error) {
      if (!(error instanceof HandlerFailure)) {
        for (const delivery of deliveries) await this.applyAlone(topic, partition, delivery, control);
        return;
      }
      await this.applyTogether(topic, partition, deliveries.slice(0, error.index), control);
      await this.applyAlone(topic, partition, deliveries[error.index], control, error.failure);
      await this.applyTogether(topic, partition, deliveries.slice(error.index + 1), control);
      return;
    }
    this.settled(deliveries, outcomes);
    for (const delivery of deliveries)
      if (delivery.handlers.length > 0) await this.options.afterCommit?.(delivery.event);
  }

  /**
   * One event in its own transaction, retried with backoff; `firstFailure` is an attempt already
   * made with others. What the event itself makes fail is dead-lettered after `maxAttempts`; what
   * the database makes fail (a restart, a deadlock) is retried until it succeeds, or until the
   * batch is given up on shutdown or rebalance, when it is redelivered to the next owner.
   */
  private async applyAlone(
    topic: string,
    partition: number,
    delivery: Delivery,
    control: BatchControl,
    firstFailure?: unknown,
  ): Promise<void> {
    const event = delivery.event;
    if (delivery.handlers.length === 0) return this.count('skipped', event.type);
    const maxAttempts = this.options.maxAttempts ?? 5;
    const backoffMs = this.options.retryBackoffMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      let error = firstFailure;
      if (attempt > 1 || firstFailure === undefined) {
        try {
          this.settled([delivery], await this.applyEventsOnce(topic, partition, [delivery]));
          await this.options.afterCommit?.(event);
          return;
        } catch (failure) {
          error = failure instanceof HandlerFailure ? failure.failure : failure;
        }
      }
      const transient = isTransientDatabaseFailure(error);
      const final =
        !transient &&
        (attempt >= maxAttempts || error instanceof UnprocessableEventError || error instanceof EventValidationError);
      this.logger.warn('event handling failed', {
        eventId: event.id,
        type: event.type,
        attempt,
        final,
        transient,
        error: String(error),
      });
      // Stopping or rebalanced: whatever failed, the batch is given up and this event's offset stays
      // uncommitted, so the next owner applies it or dead-letters it. Never dead-letter here what a
      // stopping process (its pool closing) made fail.
      if (!control.isRunning() || control.isStale()) throw new BatchGivenUp(error);
      if (final) {
        await this.deadLetter(
          topic,
          partition,
          delivery.message,
          `${(error as Error).name}: ${(error as Error).message}`,
          attempt,
          event.type,
        );
        return;
      }
      this.count('retried', event.type);
      await delay(
        Math.min(backoffMs * 2 ** (attempt - 1), transient ? MAX_TRANSIENT_BACKOFF_MS : Infinity),
        undefined,
        { signal: this.stopping.signal },
      ).catch(() => undefined);
      if (!control.isRunning() || control.isStale()) throw new BatchGivenUp(error);
      await control.heartbeat();
    }
  }

  private applyEventsOnce(topic: string, partition: number, deliveries: Delivery[]): Promise<ConsumeOutcome[]> {
    const events = deliveries.map((delivery) => ({
      event: delivery.event,
      handlers: delivery.handlers,
      offset: delivery.message.offset,
    }));
    return inConsumeSpan(topic, this.options.groupId, deliveries, () =>
      applyEventsOnce(
        this.options.dataSource,
        this.options.inboxConsumer ?? this.options.groupId,
        topic,
        partition,
        events,
      ),
    );
  }

  private settled(deliveries: Delivery[], outcomes: ConsumeOutcome[]): void {
    deliveries.forEach((delivery, index) => this.count(outcomes[index], delivery.event.type));
  }

  private count(outcome: ConsumeOutcome, eventType: string): void {
    this.stats[outcome]++;
    this.options.onOutcome?.(outcome, eventType);
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
    attempts: number,
    eventType: string,
  ): Promise<void> {
    await this.options.deadLetters.publish({
      originalTopic: topic,
      partition,
      offset: message.offset,
      message,
      reason,
      attempts,
    });
    this.count('dead_lettered', eventType);
    this.logger.warn('event dead-lettered', { topic, partition, offset: message.offset, reason });
  }
}

/**
 * The inbox rows and every handler's writes for events of one partition, in one transaction,
 * then what the handlers deferred to the commit; returns each delivery's outcome. An event
 * already in the inbox (or twice among the deliveries) is applied once.
 */
export function applyEventsOnce(
  dataSource: DataSource,
  inboxConsumer: string,
  topic: string,
  partition: number,
  deliveries: EventDelivery[],
): Promise<ConsumeOutcome[]> {
  return dataSource.transaction(async (tx) => {
    const handled = deliveries.filter((delivery) => delivery.handlers.length > 0);
    const claimed: Array<{ event_id: string }> = handled.length
      ? await preparedQuery<{ event_id: string }>(
          tx,
          `INSERT INTO inbox_event (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)
           SELECT $1, claim.event_id, claim.event_type, $4, $5, claim.kafka_offset FROM unnest($2::uuid[], $3::text[], $6::bigint[]) AS claim(event_id, event_type, kafka_offset)
           ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
          [
            inboxConsumer,
            handled.map((delivery) => delivery.event.id),
            handled.map((delivery) => delivery.event.type),
            topic,
            partition,
            handled.map((delivery) => delivery.offset),
          ],
        )
      : [];
    const unclaimed = new Set(claimed.map((row) => row.event_id));
    applyingInTransaction(
      tx,
      handled.filter((delivery) => unclaimed.has(delivery.event.id)).map((delivery) => delivery.event),
      { topic, partition },
    );
    const outcomes: ConsumeOutcome[] = [];
    for (const [index, delivery] of deliveries.entries()) {
      if (delivery.handlers.length === 0) outcomes.push('skipped');
      else if (!unclaimed.delete(delivery.event.id)) outcomes.push('duplicate');
      else {
        try {
          for (const handler of delivery.handlers)
            await whileHandling(delivery.event, () => handler(delivery.event, tx));
        } catch (error) {
          throw new HandlerFailure(index, error);
        }
        outcomes.push('processed');
      }
    }
    await runBeforeCommit(tx);
    return outcomes;
  });
}
