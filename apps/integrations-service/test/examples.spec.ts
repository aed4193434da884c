import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { createEvent, GoalActivatedV1 } from '@throughline/contracts';
import {
  apiAs,
  runExample,
  startTestService,
  testKafkaBrokers,
  TestService,
  uniqueTag,
  waitFor,
} from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { integrationsDatabase } from '../src/database/integrations-database';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('integrator examples', () => {
  let tag: string;
  let service: TestService;
  let producer: Producer;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    tag = uniqueTag();
    service = await startTestService(AppModule, {
      tag,
      database: integrationsDatabase,
      env: { WEBHOOK_POLL_INTERVAL_MS: '50' },
    });
    producer = new Kafka({
      clientId: 'examples-spec',
      brokers: [testKafkaBrokers()],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await producer?.disconnect();
    await service?.stop();
  });

  async function publishGoalActivated(orgId: string) {
    const goalId = randomUUID();
    const event = createEvent(
      GoalActivatedV1,
      { ...GoalActivatedV1.example, goalId },
      { source: '/throughline/strategy-service', orgId, correlationId: randomUUID() },
    );
    await producer.send({
      topic: `t${tag}.${event.topic}`,
      messages: [{ key: event.key, value: JSON.stringify(event.envelope) }],
    });
    return goalId;
  }

  it('examples/webhook-receiver.ts verifies and prints the events of a webhook registered as the guide shows', async () => {
    const orgId = randomUUID();
    const api = await apiAs(service.url, { personId: randomUUID(), orgId, role: 'integrator' });
    const port = await freePort();
    const created = await api.post('/v1/webhooks', { url: `http://127.0.0.1:${port}/webhooks`, eventTypes: ['*'] });
    expect(created.status).toBe(201);
    const receiver = runExample('webhook-receiver.ts', { WEBHOOK_SECRET: created.body.secret, PORT: String(port) });
    children.push(receiver.child);
    await waitFor(() => receiver.output().includes('webhook receiver on'), { what: 'the receiver to listen' });
    const goalId = await publishGoalActivated(orgId);
    await waitFor(() => receiver.output().includes(`throughline.goal.activated.v1 subject=${goalId}`), {
      timeoutMs: 30_000,
      what: `the receiver to print the event (output: ${receiver.output()})`,
    });
    expect(receiver.output()).not.toContain('refused');
    // The receiver prints before it answers; the delivery is recorded once the answer is in.
    const delivery = await waitFor(
      async () => (await api.get(`/v1/webhooks/${created.body.id}/deliveries?status=delivered`)).body.items[0],
      { what: 'the delivery to be recorded' },
    );
    expect(delivery).toEqual(expect.objectContaining({ attempts: 1, lastStatusCode: 204 }));
  });

  it('examples/kafka-consumer.ts reads, validates and prints the events from the topics', async () => {
    const consumer = runExample('kafka-consumer.ts', {
      KAFKA_BROKERS: testKafkaBrokers(),
      KAFKA_TOPIC_PREFIX: `t${tag}.`,
      GROUP_ID: `example-${tag}`,
    });
    children.push(consumer.child);
    const goalId = await publishGoalActivated(randomUUID());
    await waitFor(() => consumer.output().includes(`throughline.goal.activated.v1 subject=${goalId}`), {
      timeoutMs: 45_000,
      what: `the consumer to print the event (output: ${consumer.output()})`,
    });
    expect(consumer.output()).not.toContain('skipped');
  });
});
