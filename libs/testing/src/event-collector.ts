import { Consumer, Kafka, logLevel } from 'kafkajs';
import { CloudEvent } from '@throughline/contracts';
import { testKafkaBrokers, uniqueTag } from './test-env';
import { waitFor } from './wait';

export interface CollectedEvent {
  topic: string;
  partition: number;
  key: string | null;
  headers: Record<string, string>;
  event: CloudEvent<any>;
  raw: string;
}

/** Reads topics from the beginning in its own consumer group and keeps everything it sees. */
export class EventCollector {
  readonly received: CollectedEvent[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(topics: string[]): Promise<EventCollector> {
    const kafka = new Kafka({ clientId: 'test-collector', brokers: [testKafkaBrokers()], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `collector-${uniqueTag()}`, maxWaitTimeInMs: 100 });
    const collector = new EventCollector(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const raw = message.value?.toString() ?? '';
        let event: CloudEvent<any>;
        try {
          event = JSON.parse(raw);
        } catch {
          event = { type: '<not json>' } as CloudEvent;
        }
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        collector.received.push({ topic, partition, key: message.key?.toString() ?? null, headers, event, raw });
      },
    });
    return collector;
  }

  ofType(type: string): CollectedEvent[] {
    return this.received.filter((entry) => entry.event.type === type);
  }

  async waitForType(
    type: string,
    count = 1,
    predicate: (entry: CollectedEvent) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<CollectedEvent[]> {
    return waitFor(
      () => {
        const matches = this.ofType(type).filter(predicate);
        return matches.length >= count ? matches : undefined;
      },
      {
        timeoutMs,
        what: `${count} × ${type} (seen: ${this.received.map((entry) => entry.event.type).join(', ') || 'nothing'})`,
      },
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
