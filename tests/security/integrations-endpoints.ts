import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { createEvent, GoalCreatedV1 } from '@throughline/contracts';
import { Actor, Role, ROLES } from '@throughline/service-kit';
import { apiAs, ApiClient, createTestTopics, testKafkaBrokers, TestService, waitFor } from '@throughline/testing';
import { EndpointEntry, statuses } from './strategy-endpoints';

/** One organisation's callers of the integrations service. */
export interface IntegrationsOrganisation {
  orgId: string;
  clients: Record<Role, ApiClient>;
}

/** A paused subscription (version 2) holding one pending delivery of one event of its organisation. */
export interface IntegrationsFixture {
  webhookId: string;
  deliveryId: string;
  eventId: string;
}

export async function integrationsOrganisation(url: string): Promise<IntegrationsOrganisation> {
  const orgId = randomUUID();
  const clients = Object.fromEntries(
    await Promise.all(
      ROLES.map(async (role) => [role, await apiAs(url, { personId: randomUUID(), orgId, role } as Actor)]),
    ),
  ) as Record<Role, ApiClient>;
  return { orgId, clients };
}

/** Plays the strategy service: publishes real envelopes of an organisation to the test's topics. */
export class StrategyEvents {
  private constructor(
    private readonly producer: Producer,
    private readonly tag: string,
  ) {}

  static async start(tag: string): Promise<StrategyEvents> {
    const producer = new Kafka({
      clientId: 'security-spec',
      brokers: [testKafkaBrokers()],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    return new StrategyEvents(producer, tag);
  }

  static async createTopics(tag: string, topics: string[]): Promise<void> {
    await createTestTopics(topics.map((topic) => `t${tag}.${topic}`));
  }

  async goalCreated(orgId: string): Promise<string> {
    const { topic, key, envelope } = createEvent(
      GoalCreatedV1,
      { ...GoalCreatedV1.example, goalId: randomUUID() },
      { source: '/throughline/strategy-service', orgId, correlationId: `security-${randomUUID()}` },
    );
    await this.producer.send({ topic: `t${this.tag}.${topic}`, messages: [{ key, value: JSON.stringify(envelope) }] });
    return envelope.id;
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }
}

export async function integrationsFixture(
  service: TestService,
  events: StrategyEvents,
  org: IntegrationsOrganisation,
): Promise<IntegrationsFixture> {
  const created = await org.clients.integrator.post('/v1/webhooks', {
    url: 'http://127.0.0.1:9/hook',
    eventTypes: ['*'],
    description: 'BI feed',
  });
  if (created.status !== 201) throw new Error(`webhook not created: ${created.status} ${JSON.stringify(created.body)}`);
  // Paused, so its deliveries stay pending and every cell sees the same state.
  const paused = await org.clients.integrator.post(
    `/v1/webhooks/${created.body.id}/disable`,
    {},
    { 'if-match': '"1"' },
  );
  if (paused.status !== 200) throw new Error(`webhook not paused: ${paused.status} ${JSON.stringify(paused.body)}`);
  const eventId = await events.goalCreated(org.orgId);
  const [delivery] = await waitFor(
    async () => {
      const rows = await service.dataSource.query(
        `SELECT delivery_id FROM webhook_delivery WHERE subscription_id = $1 AND event_id = $2`,
        [created.body.id, eventId],
      );
      return rows.length ? rows : undefined;
    },
    { what: 'the delivery of the fixture event' },
  );
  return { webhookId: created.body.id, deliveryId: delivery.delivery_id, eventId };
}

const readable = statuses([403, 404], [403, 404], [200, 404], [200, 404]);
const changes = (ok: number) => statuses([403, 404], [403, 404], [ok, 404], [ok, 404]);
const ifMatch2 = { 'if-match': '"2"' };

/** Every integrations endpoint with a valid request and its exact status per role and organisation (docs/security.md). */
export const integrationsEndpoints: Record<string, EndpointEntry<IntegrationsFixture>> = {
  // The other organisation's integrator subscribes to its own events: that is theirs to do.
  'POST /v1/webhooks': {
    request: () => ({ path: '/v1/webhooks', body: { url: 'http://127.0.0.1:9/other', eventTypes: ['*'] } }),
    expected: statuses([403, 403], [403, 403], [201, 201], [201, 201]),
  },
  'GET /v1/webhooks': {
    request: () => ({ path: '/v1/webhooks' }),
    expected: statuses([403, 403], [403, 403], [200, 200], [200, 200]),
  },
  'GET /v1/webhooks/{id}': { request: (f) => ({ path: `/v1/webhooks/${f.webhookId}` }), expected: readable },
  'PATCH /v1/webhooks/{id}': {
    request: (f) => ({ path: `/v1/webhooks/${f.webhookId}`, body: { description: 'Renamed' }, headers: ifMatch2 }),
    expected: changes(200),
  },
  'DELETE /v1/webhooks/{id}': {
    request: (f) => ({ path: `/v1/webhooks/${f.webhookId}`, headers: ifMatch2 }),
    expected: changes(204),
  },
  'POST /v1/webhooks/{id}/rotate-secret': {
    request: (f) => ({ path: `/v1/webhooks/${f.webhookId}/rotate-secret`, body: {}, headers: ifMatch2 }),
    expected: changes(200),
  },
  'POST /v1/webhooks/{id}/enable': {
    request: (f) => ({ path: `/v1/webhooks/${f.webhookId}/enable`, body: {}, headers: ifMatch2 }),
    expected: changes(200),
  },
  'POST /v1/webhooks/{id}/disable': {
    request: (f) => ({ path: `/v1/webhooks/${f.webhookId}/disable`, body: {}, headers: ifMatch2 }),
    expected: changes(200),
  },
  'GET /v1/webhooks/{id}/deliveries': {
    request: (f) => ({ path: `/v1/webhooks/${f.webhookId}/deliveries` }),
    expected: readable,
  },
  'GET /v1/webhooks/{id}/deliveries/{deliveryId}': {
    request: (f) => ({ path: `/v1/webhooks/${f.webhookId}/deliveries/${f.deliveryId}` }),
    expected: readable,
  },
  'POST /v1/webhooks/{id}/dead-letters/replay': {
    request: (f) => ({ path: `/v1/webhooks/${f.webhookId}/dead-letters/replay`, body: {} }),
    expected: changes(202),
  },
  // The fixture's delivery is still pending (the subscription is paused): a replay has nothing to do.
  'POST /v1/webhooks/{id}/deliveries/{deliveryId}/replay': {
    request: (f) => ({ path: `/v1/webhooks/${f.webhookId}/deliveries/${f.deliveryId}/replay`, body: {} }),
    expected: statuses([403, 404], [403, 404], [409, 404], [409, 404]),
  },
  // The callers here have no person record in this service (it learns people from organisation events): 404.
  'GET /v1/notifications/preferences/me': {
    request: () => ({ path: '/v1/notifications/preferences/me' }),
    expected: statuses([404, 404], [404, 404], [404, 404], [404, 404]),
  },
  'PUT /v1/notifications/preferences/me': {
    request: () => ({
      path: '/v1/notifications/preferences/me',
      body: {
        emailEnabled: true,
        chatWebhookUrl: null,
        chatFormat: null,
        digest: 'weekly',
        reminders: 'off',
        alerts: true,
        quietHoursStart: null,
        quietHoursEnd: null,
        timeZone: 'UTC',
      },
    }),
    expected: statuses([404, 404], [404, 404], [404, 404], [404, 404]),
  },
  // Sending now reaches only people of the caller's own organisation (none here: nothing is queued).
  'POST /v1/notifications/digests': {
    request: () => ({ path: '/v1/notifications/digests', body: {} }),
    expected: statuses([200, 200], [403, 403], [403, 403], [200, 200]),
  },
  'POST /v1/notifications/reminders': {
    request: () => ({ path: '/v1/notifications/reminders', body: {} }),
    expected: statuses([200, 200], [200, 200], [403, 403], [200, 200]),
  },
  // Public, answered by the signed token alone: a token that was not made for this person is 404 for anyone.
  'GET /v1/notifications/unsubscribe': {
    request: () => ({ path: `/v1/notifications/unsubscribe?person=${randomUUID()}&token=not-a-token` }),
    expected: statuses([404, 404], [404, 404], [404, 404], [404, 404]),
  },
  'GET /v1/audit': {
    request: () => ({ path: '/v1/audit' }),
    expected: statuses([200, 200], [403, 403], [403, 403], [200, 200]),
  },
};
