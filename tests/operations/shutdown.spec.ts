import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { freePort } from '@throughline/local-infra';
import { mintDevToken, runMigrations } from '@throughline/service-kit';
import {
  buildServices,
  dropSchema,
  OtlpCollector,
  ServiceProcess,
  startOtlpCollector,
  testDatabaseUrl,
  testKafkaBrokers,
  uniqueTag,
  waitFor,
  withEnv,
} from '@throughline/testing';

/** OTLP's SPAN_KIND_SERVER (the JSON encoding counts from UNSPECIFIED = 0). */
const SERVER = 2;

/**
 * A service stopped as Kubernetes stops it (SIGTERM after the preStop delay): it stops taking
 * connections, answers the request it is in the middle of, and exports the spans still waiting
 * in its batch — set here to wait ten minutes, so only the flush at shutdown can deliver them.
 */
describe('graceful shutdown', () => {
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

  /** SIGTERM, as Kubernetes sends it; resolves once the service refuses new connections (its server is closing). */
  async function terminateUntilRefusing(): Promise<void> {
    service.terminate();
    await waitFor(
      () =>
        fetch(`${service.url}/health/live`).then(
          () => false,
          () => true,
        ),
      { what: 'the service to stop taking connections', timeoutMs: 30_000 },
    );
  }

  afterAll(async () => {
    await service?.stop();
    await collector?.stop();
    await dropSchema(schema);
  });

  it('answers the request in flight at SIGTERM, refusing new connections, and exports its span', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const token = await mintDevToken({ personId: randomUUID(), orgId: randomUUID(), role: 'admin' });
    const body = JSON.stringify({ name: 'Drained Ltd' });
    // The body is sent in two parts; `Expect: 100-continue` tells when the service holds the request.
    const inFlight = httpRequest(`${service.url}/v1/organisations`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        expect: '100-continue',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
    });
    const answered = new Promise<number>((resolve, reject) => {
      inFlight.once('response', (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      inFlight.once('error', reject);
    });
    await new Promise<void>((resolve) => inFlight.once('continue', resolve));
    inFlight.write(body.slice(0, 4));

    await terminateUntilRefusing();
    expect(collector.spanCount()).toBe(0);
    inFlight.end(body.slice(4));

    expect(await answered).toBe(201);
    // Closed through its shutdown hooks, which re-raise SIGTERM at the end (a second signal would have cut them short).
    const [exit] = await waitFor(() => (service.exits.length ? service.exits : undefined), {
      what: 'the service to exit',
      timeoutMs: 30_000,
    });
    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
    expect(collector.spans().filter((span) => span.traceId === traceId)).toContainEqual(
      expect.objectContaining({
        name: 'POST /v1/organisations',
        kind: SERVER,
        parentSpanId: callerSpanId,
        service: `strategy-${tag}`,
      }),
    );
  });
  it('lets go of a client that keeps its keep-alive connection busy, and exits by itself', async () => {
    service.start();
    await service.waitReady();
    const exitsBefore = service.exits.length;
    // One connection, kept alive: a probe or a load balancer that polls without pause.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; connection?: string }>((resolve, reject) => {
        const request = httpRequest(`${service.url}/health/live`, { agent }, (response) => {
          response.resume();
          response.once('end', () =>
            resolve({ status: response.statusCode!, connection: response.headers.connection }),
          );
        });
        request.once('error', reject);
        request.end();
      });
    // In flight on that connection when the server stops taking new ones: Node's server.close() spares a busy connection.
    const inFlight = httpRequest(`${service.url}/health/live`, {
      agent,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '2', expect: '100-continue' },
    });
    const held = new Promise<void>((resolve, reject) => {
      inFlight.once('response', (response) => {
        response.resume();
        response.once('end', resolve);
      });
      inFlight.once('error', reject);
    });
    await new Promise<void>((resolve) => inFlight.once('continue', resolve));
    await terminateUntilRefusing();
    inFlight.end('{}');
    await held;
    // Polled again at once on the connection kept alive: the answer closes it, and the next finds nobody.
    const answers: Array<{ status: number; connection?: string }> = [];
    const ended = await waitFor(
      () =>
        get().then(
          (answer) => {
            answers.push(answer);
            return false;
          },
          () => true,
        ),
      { what: 'the kept-alive connection to be closed', timeoutMs: 20_000, intervalMs: 0 },
    );
    agent.destroy();
    expect(ended).toBe(true);
    expect(answers.at(-1)?.connection).toBe('close');
    const [exit] = await waitFor(
      () => (service.exits.length > exitsBefore ? service.exits.slice(exitsBefore) : undefined),
      { what: 'the service to exit', timeoutMs: 30_000 },
    );
    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
  });
});
