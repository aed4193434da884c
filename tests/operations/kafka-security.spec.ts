import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { CloudEvent, deadLetterTopic, OrganisationCreatedV1, Topics } from '@throughline/contracts';
import { KafkaBroker, startKafkaBroker } from '@throughline/local-infra';
import {
  createKafka,
  DeadLetterPublisher,
  ensureTopics,
  EventConsumer,
  messagingConfigFromEnv,
  SaslMechanism,
} from '@throughline/messaging';
import {
  apiAs,
  dropSchema,
  expectStatus,
  startTestService,
  TestService,
  uniqueTag,
  waitFor,
} from '@throughline/testing';
import { AppModule as StrategyModule } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';

/**
 * An OAuth 2.0 token endpoint for one client (client-credentials grant, HTTP Basic), issuing the
 * unsigned JWTs the local broker's development validator accepts; counts the tokens it issued.
 */
async function tokenEndpoint(clientId: string, clientSecret: string) {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  let issued = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
      const form = new URLSearchParams(body);
      response.setHeader('content-type', 'application/json');
      if (request.headers.authorization !== expected || form.get('grant_type') !== 'client_credentials') {
        response.statusCode = 401;
        return response.end(JSON.stringify({ error: 'invalid_client' }));
      }
      issued++;
      const now = Math.floor(Date.now() / 1000);
      const token = `${encode({ alg: 'none' })}.${encode({ sub: clientId, iat: now, exp: now + 3600 })}.`;
      response.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`,
    issued: () => issued,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Managed Kafka (MSK, Confluent Cloud, Aiven) is reached over SASL_SSL: a broker of this test's
 * own offers it beside plaintext, with certificates made at start-up, client certificates
 * required, and SCRAM users in its metadata.
 */
describe('Kafka over SASL_SSL (TLS with a client certificate, SCRAM)', () => {
  const user = { username: 'throughline', password: `pw-${randomUUID()}` };
  let broker: KafkaBroker;

  const clientEnv = (mechanism: SaslMechanism, password = user.password): Record<string, string> => ({
    KAFKA_BROKERS: broker.saslSsl!.brokers,
    KAFKA_TLS: 'true',
    KAFKA_TLS_CA_FILE: broker.saslSsl!.caFile,
    KAFKA_TLS_CERT_FILE: broker.saslSsl!.clientCertFile,
    KAFKA_TLS_KEY_FILE: broker.saslSsl!.clientKeyFile,
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: user.username,
    KAFKA_SASL_PASSWORD: password,
  });

  beforeAll(async () => {
    broker = await startKafkaBroker({ saslSsl: { users: [user] } });
  }, 120_000);
  afterAll(async () => broker?.stop());

  it('carries a service’s event from its outbox to a consumer of the messaging library, both over SASL_SSL with SCRAM-SHA-512', async () => {
    const tag = uniqueTag();
    const env = { ...clientEnv('scram-sha-512'), KAFKA_TOPIC_PARTITIONS: '1' };
    const strategy = await startTestService(StrategyModule, { tag, database: strategyDatabase, env });
    const kafka = createKafka(messagingConfigFromEnv(`probe-${tag}`, env));
    const producer = kafka.producer();
    const received: Array<CloudEvent<{ organisationId: string }>> = [];
    const topic = `t${tag}.${Topics.Organisation}`;
    const dlt = `t${tag}.${deadLetterTopic('probe')}`;
    const consumer = new EventConsumer({
      kafka,
      // The consumer's inbox lives beside the service's tables, in the test's schema.
      dataSource: strategy.dataSource,
      groupId: `probe-${tag}`,
      topics: [topic],
      handlers: new Map([[OrganisationCreatedV1.type, [async (event) => void received.push(event)]]]),
      deadLetters: new DeadLetterPublisher(producer, dlt, `probe-${tag}`),
    });
    try {
      const admin = kafka.admin();
      await admin.connect();
      await ensureTopics(admin, [dlt], 1);
      await admin.disconnect();
      await producer.connect();
      await consumer.start();
      const orgId = randomUUID();
      const api = await apiAs(strategy.url, { personId: randomUUID(), orgId, role: 'admin' });
      const created = expectStatus(await api.post('/v1/organisations', { name: 'Secured Ltd' }), 201);
      const event = await waitFor(() => received.find((candidate) => candidate.data.organisationId === created.id), {
        what: 'organisation.created over SASL_SSL',
      });
      expect(event).toMatchObject({ type: OrganisationCreatedV1.type, orgid: created.id });
    } finally {
      await consumer.stop();
      await producer.disconnect();
      await strategy.stop();
    }
  });

  it.each<SaslMechanism>(['plain', 'scram-sha-256'])('also authenticates with %s', async (mechanism) => {
    const admin = createKafka(messagingConfigFromEnv('probe', clientEnv(mechanism))).admin();
    await admin.connect();
    try {
      expect(Array.isArray(await admin.listTopics())).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });

  it('stops a service at boot when the broker refuses its password, in one sentence naming the variables', async () => {
    const tag = uniqueTag();
    const env = clientEnv('scram-sha-512', 'not-the-password');
    const started = Date.now();
    let service: TestService | undefined;
    try {
      service = await startTestService(StrategyModule, { tag, database: strategyDatabase, env });
    } catch (error) {
      expect((error as Error).message).toMatch(
        /^Kafka refused the SASL credentials of user "throughline" \(scram-sha-512\): check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM \(.*invalid credentials/,
      );
    } finally {
      await service?.stop();
      await dropSchema(`t_${tag}_${strategyDatabase.defaultSchema}`);
    }
    expect(service).toBeUndefined();
    // Refused at once: wrong credentials are not retried like a broker that is still starting.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
  describe('with OAUTHBEARER', () => {
    const clientSecret = `secret-${randomUUID()}`;
    let endpoint: Awaited<ReturnType<typeof tokenEndpoint>>;
    const oauthEnv = (secret: string): Record<string, string> => ({
      ...clientEnv('oauthbearer'),
      KAFKA_SASL_PASSWORD: secret,
      KAFKA_SASL_OAUTHBEARER_TOKEN_URL: endpoint.url,
      // Sent with the token; the development validator accepts any.
      KAFKA_SASL_OAUTHBEARER_EXTENSIONS: 'logicalCluster=lkc-local,identityPoolId=pool-test',
      KAFKA_TOPIC_PARTITIONS: '1',
    });
    beforeAll(async () => {
      endpoint = await tokenEndpoint(user.username, clientSecret);
    });
    afterAll(() => endpoint?.stop());

    it('runs a service on tokens from the client-credentials grant, one token for all its connections', async () => {
      const tag = uniqueTag();
      const strategy = await startTestService(StrategyModule, {
        tag,
        database: strategyDatabase,
        env: oauthEnv(clientSecret),
      });
      try {
        const api = await apiAs(strategy.url, { personId: randomUUID(), orgId: randomUUID(), role: 'admin' });
        expectStatus(await api.post('/v1/organisations', { name: 'Bearer Ltd' }), 201);
        // Its relay published the event over the OAUTHBEARER connections.
        await waitFor(
          async () =>
            (await strategy.dataSource.query(`SELECT 1 FROM outbox_event WHERE published_at IS NULL`)).length === 0,
          { what: 'the outbox to be published' },
        );
        expect(endpoint.issued()).toBe(1);
      } finally {
        await strategy.stop();
      }
    });

    it('stops a service at boot when the token endpoint refuses its client, naming the variables', async () => {
      const tag = uniqueTag();
      const started = Date.now();
      let service: TestService | undefined;
      try {
        service = await startTestService(StrategyModule, {
          tag,
          database: strategyDatabase,
          env: oauthEnv('not-the-secret'),
        });
      } catch (error) {
        expect((error as Error).message).toMatch(
          /^Kafka refused the SASL credentials of user "throughline" \(oauthbearer\): check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SASL_OAUTHBEARER_TOKEN_URL and KAFKA_SASL_OAUTHBEARER_SCOPE \(the OAuth token endpoint refused client "throughline" \(401 invalid_client\)\)$/,
        );
      } finally {
        await service?.stop();
        await dropSchema(`t_${tag}_${strategyDatabase.defaultSchema}`);
      }
      expect(service).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(30_000);
    });
  });
});
