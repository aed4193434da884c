import { randomBytes, randomUUID } from 'node:crypto';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { freePort } from '@throughline/local-infra';
import { runMigrations } from '@throughline/service-kit';
import {
  apiAs,
  buildServices,
  dropSchema,
  OtlpCollector,
  ServiceProcess,
  startOtlpCollector,
  testDatabaseUrl,
  testKafkaBrokers,
  uniqueTag,
  withEnv,
} from '@throughline/testing';

/** OTLP's SPAN_KIND_SERVER (the JSON encoding counts from UNSPECIFIED = 0). */
const SERVER = 2;

/**
 * A service stopped as Kubernetes stops it (SIGTERM) exports the spans still waiting in its batch:
 * the batch is set to wait ten minutes, so only the flush at shutdown can deliver them.
 */
describe('spans at shutdown', () => {
  const tag = uniqueTag();
  const schema = `t_${tag}_strategy`;
  let collector: OtlpCollector;
  let service: ServiceProcess;

  beforeAll(async () => {
    buildServices();
    await withEnv({ DATABASE_URL: testDatabaseUrl(), DB_SCHEMA: schema }, () => runMigrations(strategyDatabase));
    collector = await startOtlpCollector();
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
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_SERVICE_NAME: `strategy-${tag}`,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
      },
    });
    service.start();
    await service.waitReady();
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await collector?.stop();
    await dropSchema(schema);
  });

  it('exports the span of a request answered just before SIGTERM', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const admin = await apiAs(service.url, { personId: randomUUID(), orgId: randomUUID(), role: 'admin' });
    const created = await admin.post(
      '/v1/organisations',
      { name: 'Traced Ltd' },
      { traceparent: `00-${traceId}-${callerSpanId}-01` },
    );
    expect(created.status).toBe(201);
    expect(collector.spanCount()).toBe(0);

    await service.stop();

    expect(collector.spans().filter((span) => span.traceId === traceId)).toContainEqual(
      expect.objectContaining({
        name: 'POST /v1/organisations',
        kind: SERVER,
        parentSpanId: callerSpanId,
        service: `strategy-${tag}`,
      }),
    );
  });
});
