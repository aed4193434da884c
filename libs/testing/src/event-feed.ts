import { Static, TObject } from '@sinclair/typebox';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { createEvent, EventDefinition } from '@throughline/contracts';
import { createProducer, eventMessage } from '@throughline/messaging';
import { testKafkaBrokers } from './test-env';

/**
 * Publishes real events, as strategy and execution would, onto a test's topics: metrics'
 * tests depend on the contracts only, not on the other services.
 */
export class EventFeed {
  readonly sent: string[] = [];

  private constructor(
    private readonly producer: Producer,
    private readonly tag: string,
    private readonly orgId: string,
  ) {}

  static async start(tag: string, orgId: string): Promise<EventFeed> {
    const producer = createProducer(
      new Kafka({ clientId: 'metrics-test-feed', brokers: [testKafkaBrokers()], logLevel: logLevel.NOTHING }),
    );
    await producer.connect();
    return new EventFeed(producer, tag, orgId);
  }

  /** Sends one event (its time is what metrics scores by) and returns its raw form for redelivery. */
  async publish<S extends TObject>(
    definition: EventDefinition<S>,
    data: Static<S>,
    time: string,
  ): Promise<{ key: string; value: string; topic: string }> {
    const { topic, key, envelope } = createEvent(definition, data, {
      source: '/throughline/test',
      orgId: this.orgId,
      correlationId: `story-${this.sent.length}`,
      time: new Date(time),
    });
    const message = { topic: `t${this.tag}.${topic}`, key, value: JSON.stringify(envelope) };
    await this.redeliver(message);
    this.sent.push(envelope.id);
    return message;
  }

  /** Sends a message again as it was (same event id): the at-least-once case. */
  async redeliver(message: { topic: string; key: string; value: string }): Promise<void> {
    await this.producer.send({
      topic: message.topic,
      messages: [eventMessage(message.key, message.value, JSON.parse(message.value))],
    });
  }

  get distinctEvents(): number {
    return new Set(this.sent).size;
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }
}
