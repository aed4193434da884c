import { randomBytes, randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { AlignmentScoreChangedV1, GoalActivatedV1, PersonCreatedV1, Topics } from '@throughline/contracts';
import { readEnv } from '@throughline/config';
import { startTracing, Tracing, tracingEnvSchema } from '@throughline/service-kit';
import {
  ApiClient,
  ExecutionTestKit,
  expectStatus,
  ifMatch,
  launchGoal,
  person,
  startTestService,
  TestService,
  waitFor,
} from '@throughline/testing';
import { AppModule as ExecutionModule } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { AppModule as MetricsModule } from '../../apps/metrics-service/src/app.module';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';

/**
 * One trace from a manager's update to the director's score change: the execution request,
 * its outbox row, the Kafka message, metrics' consumer and the score-changed event it publishes,
 * recorded by the OpenTelemetry SDK into memory (the services run in this process).
 */
describe('tracing through the outbox and Kafka', () => {
  const exporter = new InMemorySpanExporter();
  const orgId = randomUUID();
  const director = person(orgId, 'director');
  const manager = person(orgId, 'manager');
  let tracing: Tracing | undefined;
  let kit: ExecutionTestKit;
  let metrics: TestService;
  let asManager: ApiClient;

  beforeAll(async () => {
    tracing = startTracing('tracing-test', readEnv(tracingEnvSchema, {}), exporter);
    kit = await ExecutionTestKit.start(ExecutionModule, executionDatabase);
    metrics = await startTestService(MetricsModule, {
      tag: kit.tag,
      database: metricsDatabase,
      env: { METRICS_CLOCK: 'manual', METRICS_CLOCK_START: '2026-01-01T00:00:00.000Z' },
    });
    const sent = [
      ...(await Promise.all(
        [director, manager].map((actor, index) =>
          kit.publish(
            PersonCreatedV1,
            {
              personId: actor.personId,
              name: `Person ${index}`,
              email: `person${index}@example.com`,
              role: actor.role,
              orgUnitId: null,
              reportsToId: index === 0 ? null : director.personId,
              active: true,
              version: 1,
            },
            orgId,
          ),
        ),
      )),
      await kit.publish(
        GoalActivatedV1,
        launchGoal(director.personId, [{ managerId: manager.personId, title: 'Pilot' }]),
        orgId,
      ),
    ];
    await kit.processed(...sent.map((event) => event.envelope.id));
    await waitFor(
      async () =>
        (await metrics.dataSource.query(`SELECT 1 FROM inbox_event WHERE event_id = $1`, [sent[2].envelope.id]))
          .length === 1,
      { what: 'metrics to apply the goal' },
    );
    asManager = await kit.api(manager);
  }, 120_000);

  afterAll(async () => {
    await metrics?.stop();
    await kit?.stop();
    await tracing?.shutdown();
  });

  it('follows a progress report from the HTTP request to the score change metrics publishes', async () => {
    const [task] = expectStatus(await asManager.get('/v1/tasks'), 200).items;
    // An upstream caller (a gateway, the dashboard's backend) already traces the request.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    expectStatus(
      await asManager.post(
        `/v1/tasks/${task.id}/progress`,
        { progress: 60 },
        { ...ifMatch(task.version), traceparent: `00-${traceId}-${callerSpanId}-01` },
      ),
      200,
    );

    const scoresTopic = `t${kit.tag}.${Topics.Scores}`;
    const inTrace = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const scorePublished = await waitFor(
      () => inTrace().find((span) => span.kind === SpanKind.PRODUCER && span.name === `publish ${scoresTopic}`),
      { what: 'the score change to be published in the request’s trace' },
    );

    const spans = inTrace();
    const parentOf = (span: ReadableSpan) =>
      spans.find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId);
    const request = spans.find((span) => span.kind === SpanKind.SERVER)!;
    expect(request).toMatchObject({ name: 'POST /v1/tasks/:taskId/progress' });
    expect(request.parentSpanContext?.spanId).toBe(callerSpanId);
    // score published ← metrics applies the event ← execution publishes it ← the request
    const applied = parentOf(scorePublished)!;
    expect(applied).toMatchObject({ kind: SpanKind.CONSUMER, name: `process t${kit.tag}.${Topics.Tasks}` });
    expect(applied.attributes['messaging.consumer.group.name']).toMatch(/metrics-service$/);
    const published = parentOf(applied)!;
    expect(published).toMatchObject({ kind: SpanKind.PRODUCER, name: `publish t${kit.tag}.${Topics.Tasks}` });
    expect(parentOf(published)).toBe(request);
    expect(scorePublished.attributes['cloudevents.event_type']).toBe(AlignmentScoreChangedV1.type);

    // The trace context is stored with the outbox row: the consumer's span, whose handler wrote it.
    const [row] = await metrics.dataSource.query(
      `SELECT traceparent FROM outbox_event WHERE event_type = $1 AND traceparent LIKE $2 LIMIT 1`,
      [AlignmentScoreChangedV1.type, `00-${traceId}-%`],
    );
    expect(row.traceparent).toBe(`00-${traceId}-${applied.spanContext().spanId}-01`);
  });
});
