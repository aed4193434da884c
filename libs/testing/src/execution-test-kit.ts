import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Static, TObject } from '@sinclair/typebox';
import {
  CloudEvent,
  createEvent,
  deadLetterTopic,
  EventDefinition,
  GoalActivatedV1,
  parseEvent,
  Topics,
} from '@throughline/contracts';
import { Type } from '@nestjs/common';
import { createProducer, eventMessage } from '@throughline/messaging';
import { Actor, ServiceDatabase } from '@throughline/service-kit';
import { apiAs, ApiClient } from './api-client';
import { CollectedEvent, EventCollector } from './event-collector';
import { startTestService, TestService } from './service-harness';
import { uniqueTag, testKafkaBrokers } from './test-env';
import { createTestTopics } from './topics';
import { waitFor } from './wait';

/** A sent strategy event: enough to send it again (a redelivery) or change its id (a replay). */
export interface SentEvent<S extends TObject = TObject> {
  topic: string;
  key: string;
  envelope: CloudEvent<Static<S>>;
}

/**
 * One execution service on the real broker and database, with a producer that plays the
 * strategy service (real events built from the shared contracts) and a collector of what
 * execution publishes. The caller passes execution's module and database: a library imports
 * no service.
 */
export class ExecutionTestKit {
  readonly tag = uniqueTag();
  service!: TestService;
  collector!: EventCollector;
  private producer!: Producer;

  static async start(module: Type<unknown>, database: ServiceDatabase): Promise<ExecutionTestKit> {
    const kit = new ExecutionTestKit();
    const kafka = new Kafka({ clientId: 'strategy-double', brokers: [testKafkaBrokers()], logLevel: logLevel.NOTHING });
    const topics = [
      kit.topic(Topics.Tasks),
      kit.deadLetterTopic,
      kit.topic(Topics.Goals),
      kit.topic(Topics.Organisation),
    ];
    await createTestTopics(topics);
    kit.service = await startTestService(module, { tag: kit.tag, database });
    kit.collector = await EventCollector.start(topics.slice(0, 2));
    kit.producer = createProducer(kafka);
    await kit.producer.connect();
    return kit;
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.collector?.stop();
    await this.service?.stop();
  }

  /** Where this service's consumer parks what it cannot process (the topic the service itself creates at start). */
  get deadLetterTopic(): string {
    return this.topic(deadLetterTopic('execution-service'));
  }

  topic(name: string): string {
    return `t${this.tag}.${name}`;
  }

  api(actor: Actor | null): Promise<ApiClient> {
    return apiAs(this.service.url, actor);
  }

  /** Publishes a strategy or organisation event exactly as the strategy service would. */
  async publish<S extends TObject>(
    definition: EventDefinition<S>,
    data: Static<S>,
    orgId: string,
    correlationId = `test-${randomUUID()}`,
  ): Promise<SentEvent<S>> {
    const { topic, key, envelope } = createEvent(definition, data, {
      source: '/throughline/strategy-service',
      orgId,
      correlationId,
    });
    const sent = { topic: this.topic(topic), key, envelope: envelope as CloudEvent<Static<S>> };
    await this.send(sent);
    return sent;
  }

  /** Sends an already sent event again: the same envelope (a redelivery), or a copy with a new id (a replay). */
  async send(sent: SentEvent<TObject>): Promise<void> {
    // A string is sent as it is: it may not be an event at all.
    const message =
      typeof sent.envelope === 'string'
        ? { key: sent.key, value: sent.envelope }
        : eventMessage(sent.key, JSON.stringify(sent.envelope), sent.envelope);
    await this.producer.send({ topic: sent.topic, messages: [message] });
  }

  withNewId<S extends TObject>(sent: SentEvent<S>): SentEvent<S> {
    return { ...sent, envelope: { ...sent.envelope, id: randomUUID() } };
  }

  /** Waits until the service has taken in (applied or skipped as duplicate) every event sent with these ids. */
  async processed(...eventIds: string[]): Promise<void> {
    await waitFor(
      async () => {
        const rows: Array<{ event_id: string }> = await this.service.dataSource.query(
          `SELECT event_id FROM inbox_event WHERE event_id = ANY($1)`,
          [eventIds],
        );
        return rows.length === new Set(eventIds).size;
      },
      { what: `events ${eventIds.join(', ')} to be processed (dead-lettered so far: ${this.deadLettered().length})` },
    );
  }

  /** Execution's events about one thing (subject or task id), parsed against their schemas: a schema break fails here. */
  published(
    type: string,
    predicate: (entry: CollectedEvent) => boolean = () => true,
  ): Array<CollectedEvent & { parsed: CloudEvent<any> }> {
    return this.collector
      .ofType(type)
      .filter((entry) => entry.topic !== this.deadLetterTopic && predicate(entry))
      .map((entry) => ({ ...entry, parsed: parseEvent(entry.raw) }));
  }

  deadLettered(): CollectedEvent[] {
    return this.collector.received.filter((entry) => entry.topic === this.deadLetterTopic);
  }
}

/** The "new product launch" goal: one director, deliverables for the managers given. */
export function launchGoal(
  ownerId: string,
  deliverables: Array<{ managerId: string; title: string; dueDate?: string; weight?: number; budgetMinor?: number }>,
): Static<typeof GoalActivatedV1.schema> {
  return {
    goalId: randomUUID(),
    parentGoalId: null,
    orgUnitId: randomUUID(),
    ownerId,
    title: 'Launch the new product line',
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    weight: 1,
    currency: 'EUR',
    budgetMinor: 12_000_000,
    deliverables: deliverables.map((deliverable) => ({
      deliverableId: randomUUID(),
      dueDate: '2026-06-30',
      weight: 1,
      budgetMinor: 1_000_000,
      ...deliverable,
    })),
    activatedAt: new Date().toISOString(),
  };
}

export function person(orgId: string, role: Actor['role']): Actor {
  return { personId: randomUUID(), orgId, role };
}
