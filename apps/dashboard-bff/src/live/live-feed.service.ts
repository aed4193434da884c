import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Consumer } from 'kafkajs';
import { parseEvent, Topics } from '@throughline/contracts';
import { createKafka, messagingConfigFromEnv } from '@throughline/messaging';
import { liveMessageOf, LiveMessage } from './live-visibility.rules';

type Listener = (message: LiveMessage) => void;

/** The topics whose changes a dashboard shows. */
const LIVE_TOPICS = [Topics.Goals, Topics.Tasks, Topics.Scores, Topics.Alerts, Topics.Organisation];

/**
 * Every change on the event stream, for the open pages of this instance: a consumer group of its
 * own per instance (each instance serves its own browsers, so each needs every event), from the
 * latest offset (a page loads current data; the stream says what changed since).
 */
@Injectable()
export class LiveFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LiveFeed');
  private readonly listeners = new Set<Listener>();
  private consumer?: Consumer;
  private stopped = false;

  onModuleInit(): void {
    void this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps trying while the broker is away: the dashboard works without live updates meanwhile. */
  private async connect(): Promise<void> {
    const config = messagingConfigFromEnv('dashboard-bff');
    while (!this.stopped) {
      try {
        const consumer = createKafka(config).consumer({
          groupId: `${config.topicPrefix}dashboard-bff-live-${randomUUID()}`,
        });
        this.consumer = consumer;
        await consumer.connect();
        await consumer.subscribe({
          topics: LIVE_TOPICS.map((topic) => config.topicPrefix + topic),
          fromBeginning: false,
        });
        await consumer.run({ eachMessage: async ({ message }) => this.deliver(message.value) });
        return;
      } catch (error) {
        this.logger.warn(`live feed not connected yet: ${(error as Error).message}`);
        await this.consumer?.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    }
  }

  private deliver(value: Buffer | null): void {
    let message: LiveMessage | null;
    try {
      message = liveMessageOf(parseEvent(value));
    } catch {
      return; // not ours to judge: the services dead-letter what is off-contract
    }
    if (message) for (const listener of this.listeners) listener(message);
  }
}
