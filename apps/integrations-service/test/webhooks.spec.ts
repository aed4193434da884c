import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { TObject, Static } from '@sinclair/typebox';
import {
  CloudEvent,
  createEvent,
  EventDefinition,
  GoalActivatedV1,
  GoalClosedV1,
  GoalCreatedV1,
  GoalUpdatedV1,
  RiskRaisedV1,
} from '@throughline/contracts';
import {
  apiAs,
  ApiClient,
  startTestService,
  testKafkaBrokers,
  TestService,
  uniqueTag,
  waitFor,
  TestWebhookReceiver,
} from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { integrationsDatabase } from '../src/database/integrations-database';

const GOAL_EVENTS = [GoalCreatedV1, GoalUpdatedV1, GoalActivatedV1, GoalClosedV1];

/** Short retries so an outage takes a fraction of a second; disabling needs 10 failures in a row over at least 500 ms. */
const FAST_RETRIES = {
  WEBHOOK_MAX_ATTEMPTS: '8',
  WEBHOOK_BACKOFF_BASE_MS: '20',
  WEBHOOK_BACKOFF_MAX_MS: '200',
  WEBHOOK_DISABLE_AFTER_FAILURES: '10',
  WEBHOOK_DISABLE_AFTER_MS: '500',
  WEBHOOK_POLL_INTERVAL_MS: '20',
  WEBHOOK_TIMEOUT_MS: '2000',
};

/** What a receiver must check: the HMAC of "<t>.<body>" with the secret, and a fresh timestamp. */
/** Checked with the Standard Webhooks reference verifier, as an integrator would. */
function signatureIsValid(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  secret: string,
): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

describe('integrations-service: webhooks', () => {
  let tag: string;
  let service: TestService;
  let producer: Producer;
  const receivers: TestWebhookReceiver[] = [];

  beforeAll(async () => {
    tag = uniqueTag();
    service = await startTestService(AppModule, { tag, database: integrationsDatabase, env: FAST_RETRIES });
    producer = new Kafka({
      clientId: 'webhooks-spec',
      brokers: [testKafkaBrokers()],
      logLevel: logLevel.NOTHING,
    }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await service?.stop();
    for (const receiver of receivers) await receiver.stop();
  });

  async function receiver(answer: (requestNumber: number) => number | Promise<number>): Promise<TestWebhookReceiver> {
    const started = await TestWebhookReceiver.start(answer);
    receivers.push(started);
    return started;
  }

  async function integrator(orgId: string): Promise<ApiClient> {
    return apiAs(service.url, { personId: randomUUID(), orgId, role: 'integrator' });
  }

  /** Publishes a real envelope to the real broker, as the producing service's relay would. */
  async function publish<S extends TObject>(
    definition: EventDefinition<S>,
    data: Static<S>,
    orgId: string,
  ): Promise<CloudEvent> {
    const event = createEvent(definition, data, {
      source: '/throughline/strategy-service',
      orgId,
      correlationId: randomUUID(),
    });
    await producer.send({
      topic: `t${tag}.${event.topic}`,
      messages: [{ key: event.key, value: JSON.stringify(event.envelope) }],
    });
    return event.envelope;
  }

  async function deliveries(api: ApiClient, webhookId: string, status?: string) {
    const response = await api.get(
      `/v1/webhooks/${webhookId}/deliveries?limit=200${status ? `&status=${status}` : ''}`,
    );
    expect(response.status).toBe(200);
    return response.body as {
      items: { id: string; eventId: string; status: string; attempts: number; lastStatusCode: number | null }[];
      page: { total: number };
    };
  }

  it('delivers every subscribed event once, in order per aggregate, signed, through a receiver outage', async () => {
    const orgId = randomUUID();
    const api = await integrator(orgId);
    const endpoint = await receiver((requestNumber) => (requestNumber <= 5 ? 500 : 204));
    const created = await api.post('/v1/webhooks', {
      url: endpoint.url,
      eventTypes: GOAL_EVENTS.map((definition) => definition.type),
      description: 'ERP',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const { id, secret } = created.body;
    expect(secret).toMatch(/^whsec_/);
    expect((await api.get(`/v1/webhooks/${id}`)).body.secret).toBeUndefined();

    const goals = [randomUUID(), randomUUID(), randomUUID()];
    const published: CloudEvent[] = [];
    for (const definition of GOAL_EVENTS) {
      for (const goalId of goals)
        published.push(await publish(definition as EventDefinition, { ...definition.example, goalId } as never, orgId));
    }
    // Neither an unsubscribed type nor another organisation's event may reach the endpoint.
    await publish(RiskRaisedV1, { ...RiskRaisedV1.example, goalId: goals[0] }, orgId);
    await publish(GoalCreatedV1, { ...GoalCreatedV1.example, goalId: randomUUID() }, randomUUID());

    await waitFor(async () => (await deliveries(api, id, 'delivered')).page.total === published.length, {
      timeoutMs: 30_000,
      what: `${published.length} delivered`,
    });
    expect((await deliveries(api, id)).page.total).toBe(published.length);

    expect(endpoint.failed.length).toBe(5);
    const received = endpoint.accepted.map((request) => ({ request, event: JSON.parse(request.body) as CloudEvent }));
    expect(received.map(({ event }) => event.id).sort()).toEqual(published.map((event) => event.id).sort());
    for (const goalId of goals) {
      expect(received.filter(({ event }) => event.subject === goalId).map(({ event }) => event.type)).toEqual(
        GOAL_EVENTS.map((definition) => definition.type),
      );
    }
    for (const { request, event } of received) {
      expect(request.headers['content-type']).toBe('application/cloudevents+json');
      expect(request.headers['webhook-id']).toBe(event.id);
      expect(signatureIsValid(request.headers, request.body, secret)).toBe(true);
      expect(event).toEqual(published.find((candidate) => candidate.id === event.id));
    }
    const retried = (await deliveries(api, id, 'delivered')).items.filter((delivery) => delivery.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/throughline_webhook_attempts_total\{outcome="delivered"\} \d+/);
    expect(metrics).toMatch(/throughline_webhook_attempts_total\{outcome="retry"\} \d+/);
  });

  it('disables an endpoint that never recovers, keeps its deliveries, and catches up once re-enabled', async () => {
    const orgId = randomUUID();
    const api = await integrator(orgId);
    let healthy = false;
    const endpoint = await receiver(() => (healthy ? 200 : 500));
    const created = await api.post('/v1/webhooks', { url: endpoint.url, eventTypes: ['*'] });
    const id = created.body.id as string;
    const goalId = randomUUID();
    const published = [];
    for (const definition of [GoalCreatedV1, GoalUpdatedV1, GoalActivatedV1])
      published.push(await publish(definition as EventDefinition, { ...definition.example, goalId } as never, orgId));

    const disabled = await waitFor(
      async () => {
        const response = await api.get(`/v1/webhooks/${id}`);
        return response.body.status === 'disabled' ? response : undefined;
      },
      { timeoutMs: 30_000, what: 'the webhook to be disabled' },
    );
    expect(disabled.body.disabledReason).toMatch(/failed attempts in a row/);

    const kept = await deliveries(api, id);
    expect(kept.items.map((delivery) => delivery.eventId).sort()).toEqual(published.map((event) => event.id).sort());
    const deadLetters = await deliveries(api, id, 'dead_lettered');
    expect(deadLetters.items).toEqual([
      expect.objectContaining({ eventId: published[0].id, attempts: 8, lastStatusCode: 500 }),
    ]);
    expect(endpoint.accepted).toEqual([]);

    healthy = true;
    expect((await api.post(`/v1/webhooks/${id}/enable`, {})).status).toBe(428);
    const enabled = await api.post(`/v1/webhooks/${id}/enable`, {}, { 'if-match': disabled.headers.get('etag')! });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toEqual(
      expect.objectContaining({ status: 'active', consecutiveFailures: 0, disabledReason: null }),
    );
    await waitFor(() => endpoint.accepted.length === 2, {
      timeoutMs: 20_000,
      what: 'the pending deliveries after re-enabling',
    });

    const replayed = await api.post(`/v1/webhooks/${id}/dead-letters/replay`, {});
    expect({ status: replayed.status, body: replayed.body }).toEqual({ status: 202, body: { replayed: 1 } });
    await waitFor(() => endpoint.accepted.length === 3, { timeoutMs: 20_000, what: 'the replayed dead letter' });
    expect(endpoint.accepted.map((request) => JSON.parse(request.body).id)).toEqual([
      published[1].id,
      published[2].id,
      published[0].id,
    ]);
    expect((await deliveries(api, id, 'dead_lettered')).page.total).toBe(0);

    // One delivery can be sent again too, e.g. when the integrator lost what it received.
    expect((await api.post(`/v1/webhooks/${id}/deliveries/${deadLetters.items[0].id}/replay`, {})).status).toBe(202);
    await waitFor(() => endpoint.accepted.length === 4, { timeoutMs: 20_000, what: 'the replayed delivery' });
    expect(JSON.parse(endpoint.accepted[3].body).id).toBe(published[0].id);
    expect((await api.post(`/v1/webhooks/${id}/deliveries/${randomUUID()}/replay`, {})).status).toBe(404);
  });

  it('rotates the secret: the new one is shown once and both sign during the grace period', async () => {
    const orgId = randomUUID();
    const api = await integrator(orgId);
    const endpoint = await receiver(() => 200);
    const created = await api.post('/v1/webhooks', { url: endpoint.url, eventTypes: [GoalCreatedV1.type] });
    const rotated = await api.post(
      `/v1/webhooks/${created.body.id}/rotate-secret`,
      { previousSecretValidForSeconds: 3600 },
      { 'if-match': '"1"' },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('etag')).toBe('"2"');
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const event = await publish(GoalCreatedV1, { ...GoalCreatedV1.example, goalId: randomUUID() }, orgId);
    const [request] = await waitFor(() => (endpoint.accepted.length ? endpoint.accepted : undefined), {
      what: 'the delivery after rotation',
    });
    expect(JSON.parse(request.body).id).toBe(event.id);
    expect(signatureIsValid(request.headers, request.body, rotated.body.secret)).toBe(true);
    expect(signatureIsValid(request.headers, request.body, created.body.secret)).toBe(true);
  });

  it('refuses bad input, stale versions, other organisations and other roles, changing nothing', async () => {
    const orgId = randomUUID();
    const api = await integrator(orgId);
    const created = await api.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] });
    const id = created.body.id as string;

    const refusals: [string, Promise<{ status: number; body: any; headers: Headers }>, number, RegExp][] = [
      [
        'an unknown field',
        api.post('/v1/webhooks', { url: 'http://127.0.0.1:9/a', eventTypes: ['*'], colour: 'red' }),
        400,
        /colour/,
      ],
      [
        'an unknown event type',
        api.post('/v1/webhooks', { url: 'http://127.0.0.1:9/a', eventTypes: ['throughline.nothing.v1'] }),
        400,
        /catalogue/,
      ],
      ['no event types', api.post('/v1/webhooks', { url: 'http://127.0.0.1:9/a', eventTypes: [] }), 400, /eventTypes/],
      [
        'plain http to another host',
        api.post('/v1/webhooks', { url: 'http://hooks.example.com/a', eventTypes: ['*'] }),
        422,
        /loopback/,
      ],
      ['an update without If-Match', api.patch(`/v1/webhooks/${id}`, { description: 'x' }), 428, /If-Match/],
      [
        'a stale update',
        api.patch(`/v1/webhooks/${id}`, { description: 'x' }, { 'if-match': '"7"' }),
        412,
        /version 1/,
      ],
      ['an unknown delivery status filter', api.get(`/v1/webhooks/${id}/deliveries?status=lost`), 400, /status/],
    ];
    for (const [what, call, status, detail] of refusals) {
      const response = await call;
      expect({ what, status: response.status, type: response.headers.get('content-type') }).toEqual({
        what,
        status,
        type: expect.stringContaining('application/problem+json'),
      });
      expect(JSON.stringify(response.body)).toMatch(detail);
    }

    const stranger = await integrator(randomUUID());
    expect((await stranger.get(`/v1/webhooks/${id}`)).status).toBe(404);
    expect((await stranger.delete(`/v1/webhooks/${id}`, { 'if-match': '"1"' })).status).toBe(404);
    const manager = await apiAs(service.url, { personId: randomUUID(), orgId, role: 'manager' });
    expect((await manager.get('/v1/webhooks')).status).toBe(403);

    const unchanged = await api.get(`/v1/webhooks/${id}`);
    expect(unchanged.body).toEqual(expect.objectContaining({ version: 1, description: null }));
    const list = await api.get('/v1/webhooks?status=active');
    expect(list.body.page.total).toBe(1);

    const updated = await api.patch(
      `/v1/webhooks/${id}`,
      { description: 'BI', eventTypes: [GoalCreatedV1.type] },
      { 'if-match': '"1"' },
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual(
      expect.objectContaining({ version: 2, description: 'BI', eventTypes: [GoalCreatedV1.type] }),
    );
    expect((await api.delete(`/v1/webhooks/${id}`, { 'if-match': '"2"' })).status).toBe(204);
    expect((await api.get(`/v1/webhooks/${id}`)).status).toBe(404);
  });

  it('a hanging endpoint holds only its own slots: another endpoint keeps receiving', async () => {
    // Its own instance, with a request timeout far longer than the test waits.
    const slowTag = uniqueTag();
    const patient = await startTestService(AppModule, {
      tag: slowTag,
      database: integrationsDatabase,
      env: {
        ...FAST_RETRIES,
        WEBHOOK_TIMEOUT_MS: '60000',
        WEBHOOK_CONCURRENCY: '6',
        WEBHOOK_PER_ENDPOINT_CONCURRENCY: '2',
      },
    });
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const slow = await receiver(async () => {
        await released;
        return 200;
      });
      const fast = await receiver(() => 200);
      const [slowOrg, fastOrg] = [randomUUID(), randomUUID()];
      for (const [orgId, endpoint] of [
        [slowOrg, slow],
        [fastOrg, fast],
      ] as const) {
        const api = await apiAs(patient.url, { personId: randomUUID(), orgId, role: 'integrator' });
        expect((await api.post('/v1/webhooks', { url: endpoint.url, eventTypes: ['*'] })).status).toBe(201);
      }
      const send = async (orgId: string) => {
        const event = createEvent(
          GoalCreatedV1,
          { ...GoalCreatedV1.example, goalId: randomUUID() },
          { source: '/throughline/strategy-service', orgId, correlationId: randomUUID() },
        );
        await producer.send({
          topic: `t${slowTag}.${event.topic}`,
          messages: [{ key: event.key, value: JSON.stringify(event.envelope) }],
        });
      };
      for (let goal = 0; goal < 5; goal++) await send(slowOrg);
      await waitFor(() => slow.open === 2, { what: 'the slow endpoint to hold its two slots' });
      for (let goal = 0; goal < 5; goal++) await send(fastOrg);
      await waitFor(() => fast.accepted.length === 5, {
        what: 'the fast endpoint to get its events while the slow one hangs',
      });
      expect(slow.requests).toEqual([]);
      expect(slow.maxOpen).toBe(2);
      release();
      await waitFor(() => slow.accepted.length === 5, { what: 'the slow endpoint to get its events once it answers' });
    } finally {
      await patient.stop();
    }
  });

  it('prunes finished deliveries and their events after the retention period, never pending ones', async () => {
    const pruningTag = uniqueTag();
    const pruning = await startTestService(AppModule, {
      tag: pruningTag,
      database: integrationsDatabase,
      env: { ...FAST_RETRIES, WEBHOOK_RETENTION_MS: '300', WEBHOOK_PRUNE_INTERVAL_MS: '50' },
    });
    try {
      const [deliveredOrg, pausedOrg] = [randomUUID(), randomUUID()];
      const endpoint = await receiver(() => 200);
      const apis: { api: ApiClient; id: string }[] = [];
      for (const orgId of [deliveredOrg, pausedOrg]) {
        const api = await apiAs(pruning.url, { personId: randomUUID(), orgId, role: 'integrator' });
        const created = await api.post('/v1/webhooks', { url: endpoint.url, eventTypes: ['*'] });
        apis.push({ api, id: created.body.id as string });
      }
      // A paused webhook keeps its pending deliveries however old they get.
      expect((await apis[1].api.post(`/v1/webhooks/${apis[1].id}/disable`, {}, { 'if-match': '"1"' })).status).toBe(
        200,
      );
      for (const orgId of [deliveredOrg, pausedOrg]) {
        const event = createEvent(
          GoalCreatedV1,
          { ...GoalCreatedV1.example, goalId: randomUUID() },
          { source: '/throughline/strategy-service', orgId, correlationId: randomUUID() },
        );
        await producer.send({
          topic: `t${pruningTag}.${event.topic}`,
          messages: [{ key: event.key, value: JSON.stringify(event.envelope) }],
        });
      }
      await waitFor(() => endpoint.accepted.length === 1, { what: 'the delivery' });
      await waitFor(async () => (await deliveries(apis[0].api, apis[0].id)).page.total === 0, {
        what: 'the delivered delivery to be pruned',
      });
      // Events go in the pruning pass's second statement, once no delivery needs them.
      const events = await waitFor(
        async () => {
          const rows: { org_id: string }[] = await pruning.dataSource.query(`SELECT org_id FROM webhook_event`);
          return rows.some((row) => row.org_id === deliveredOrg) ? undefined : rows;
        },
        { what: 'the delivered event to be pruned' },
      );
      expect(events).toEqual([{ org_id: pausedOrg }]);
      expect((await deliveries(apis[1].api, apis[1].id, 'pending')).page.total).toBe(1);
    } finally {
      await pruning.stop();
    }
  });
});
