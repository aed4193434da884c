import { randomUUID } from 'node:crypto';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { createEvent, OrganisationCreatedV1 } from '@throughline/contracts';
import { freePort } from '@throughline/local-infra';
import { whileHandling } from '@throughline/messaging';
import { logContext, runMigrations } from '@throughline/service-kit';
import {
  apiAs,
  buildServices,
  dropSchema,
  ServiceProcess,
  testDatabaseUrl,
  testKafkaBrokers,
  uniqueTag,
  waitFor,
  withEnv,
} from '@throughline/testing';

describe('structured logs', () => {
  const tag = uniqueTag();
  const schema = `t_${tag}_strategy`;
  let service: ServiceProcess;

  beforeAll(async () => {
    buildServices();
    await withEnv({ DATABASE_URL: testDatabaseUrl(), DB_SCHEMA: schema }, () => runMigrations(strategyDatabase));
    service = new ServiceProcess({
      service: 'strategy-service',
      port: await freePort(),
      env: {
        DATABASE_URL: testDatabaseUrl(),
        DB_SCHEMA: schema,
        KAFKA_BROKERS: testKafkaBrokers(),
        KAFKA_TOPIC_PREFIX: `t${tag}.`,
        KAFKA_TOPIC_PARTITIONS: '1',
        THROUGHLINE_DEV_AUTH: 'true',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
      },
    });
    service.start();
    await service.waitReady();
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await dropSchema(schema);
  });

  it('writes every line as JSON, with one access line per request carrying correlation id and organisation', async () => {
    const orgId = randomUUID();
    const admin = await apiAs(service.url, { personId: randomUUID(), orgId, role: 'admin' });
    const created = await admin.post('/v1/organisations', { name: 'Logged Ltd' }, { 'x-correlation-id': `log-${tag}` });
    expect(created.status).toBe(201);
    const lines = () =>
      service.output
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '');
    const access = await waitFor(() =>
      lines()
        .map((line) => JSON.parse(line))
        .find((entry) => entry.correlationId === `log-${tag}` && entry.route === '/v1/organisations'),
    );
    expect(access).toMatchObject({
      level: 'info',
      method: 'POST',
      route: '/v1/organisations',
      status: 201,
      orgId,
      correlationId: `log-${tag}`,
      message: 'POST /v1/organisations 201',
    });
    expect(typeof access.durationMs).toBe('number');
    // No headers, so no credentials: the line is what an operator reads, not the request.
    expect(access.req).toBeUndefined();
    expect(lines().join('\n')).not.toMatch(/Bearer ey/);
    // Start-up lines (Nest, the relay, kafkajs) are JSON too: nothing is written as plain text.
    for (const line of lines()) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines().some((line) => JSON.parse(line).message?.includes('relay started'))).toBe(true);
  });

  it('names the consumed event, its organisation and correlation id on lines written while it is handled', async () => {
    const event = createEvent(
      OrganisationCreatedV1,
      { organisationId: randomUUID(), name: 'Acme', createdAt: new Date().toISOString() },
      {
        source: '/throughline/test',
        orgId: randomUUID(),
        correlationId: 'c-1',
      },
    ).envelope;
    const fields = await whileHandling(event, async () => logContext());
    expect(fields).toEqual({
      eventId: event.id,
      eventType: event.type,
      orgId: event.orgid,
      correlationId: 'c-1',
    });
    expect(logContext()).toEqual({});
  });
});
