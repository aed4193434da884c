import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { CloudEvent, EventValidationError, parseEvent } from '@throughline/contracts';
import { DeadLetterPublisher } from './dead-letter';
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
  topics: string[];
  /** Event type → handlers. Types without a handler are acknowledged and skipped. */
  handlers: ReadonlyMap<string, EventHandlerFn[]>;
  deadLetters: DeadLetterPublisher;
  maxAttempts?: number;
  retryBackoffMs?: number;
  partitionsConsumedConcurrently?: number;
  logger?: MessagingLogger;
  /** Fault-injection hook run after the database commit and before the offset is resolved. */
  afterCommit?: (event: CloudEvent) => void | Promise<void>;
  /** Reports each message's outcome (for metrics). */
  onOutcome?: (outcome: ConsumeOutcome, eventType: string) => void;
}

export type ConsumeOutcome = 'processed' | 'duplicate' | 'skipped' | 'retried' | 'dead_lettered';

export type ConsumerStats = Record<ConsumeOutcome, number>;

/**
 * At-least-once delivery, exactly-once effects: each event's handlers run in one
 * transaction together with an inbox insert keyed by (consumer, event id); a duplicate
 * finds the key taken and does nothing. Offsets are resolved only after the commit.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private crashed: Error | null = null;
  readonly stats: ConsumerStats = { processed: 0, duplicate: 0, skipped: 0, retried: 0, dead_lettered: 0 };
  private readonly logger: MessagingLogger;

  constructor(private readonly options: EventConsumerOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Set when kafkajs gave up restarting the consumer; readiness reports it. */
  get crashError(): Error | null {
    return this.crashed;
  }

  async start(): Promise<void> {
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      // The 5 s default shows up as seconds of lag on quiet partitions.
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crashed = payload.restart ? null : payload.error;
      this.logger.error('consumer crashed', { error: String(payload.error), restart: payload.restart, group: this.options.groupId });
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.crashed = null;
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
        eachBatch: (payload) => this.consumeBatch(payload),
      });
    } catch (error) {
      // A failed start leaves nothing behind, so the caller can simply try again.
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.consumer = consumer;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      // On shutdown or rebalance the rest of the batch is abandoned; it is redelivered to whoever owns the partition next.
      if (!isRunning() || isStale()) return;
      await this.consumeMessage(batch.topic, batch.partition, message, heartbeat);
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  private async consumeMessage(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    let event: CloudEvent;
    try {
      event = parseEvent(message.value);
    } catch (error) {
      await this.deadLetter(topic, partition, message, (error as Error).message, 1, 'invalid');
      return;
    }
    const handlers = this.options.handlers.get(event.type);
    if (!handlers || handlers.length === 0) {
      this.count('skipped', event.type);
      return;
    }
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await this.applyOnce(event, topic, partition, message.offset, handlers);
        this.count(applied ? 'processed' : 'duplicate', event.type);
        await this.options.afterCommit?.(event);
        return;
      } catch (error) {
        const final = attempt >= maxAttempts || error instanceof UnprocessableEventError || error instanceof EventValidationError;
        this.logger.warn('event handling failed', { eventId: event.id, type: event.type, attempt, final, error: String(error) });
        if (final) {
          await this.deadLetter(topic, partition, message, `${(error as Error).name}: ${(error as Error).message}`, attempt, event.type);
          return;
        }
        this.count('retried', event.type);
        await sleep((this.options.retryBackoffMs ?? 100) * 2 ** (attempt - 1));
        await heartbeat();
      }
    }
  }

  private async applyOnce(event: CloudEvent, topic: string, partition: number, offset: string, handlers: EventHandlerFn[]): Promise<boolean> {
    return this.options.dataSource.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO inbox_event (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
        [this.options.groupId, event.id, event.type, topic, partition, offset],
      );
      if (inserted.length === 0) return false;
      for (const handler of handlers) await handler(event, tx);
      return true;
    });
  }

  private count(outcome: ConsumeOutcome, eventType: string): void {
    this.stats[outcome]++;
    this.options.onOutcome?.(outcome, eventType);
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string, attempts: number, eventType: string): Promise<void> {
    await this.options.deadLetters.publish({ originalTopic: topic, partition, offset: message.offset, message, reason, attempts });
    this.count('dead_lettered', eventType);
    this.logger.warn('event dead-lettered', { topic, partition, offset: message.offset, reason });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
