import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  AlignmentScoreChangedV1,
  GoalActivatedV1,
  TaskCreatedV1,
  TaskStatusChangedV1,
  Topics,
} from '@throughline/contracts';
import { execution as executionApi, metrics as metricsApi, strategy as strategyApi } from '@throughline/api-client';
import { Actor, mintDevToken } from '@throughline/service-kit';
import {
  EventCollector,
  runExample,
  startTestService,
  testKafkaBrokers,
  TestService,
  typedClientAs,
  uniqueTag,
  waitFor,
} from '@throughline/testing';
import { AppModule as ExecutionApp } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { AppModule as MetricsApp } from '../../apps/metrics-service/src/app.module';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { AppModule as StrategyApp } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';

/**
 * One goal through all three services, over the real broker and database, driven through the
 * typed client generated from the served documents (libs/api-client) as an integrator would.
 */
describe('walking skeleton: goal → task → score', () => {
  const tag = uniqueTag();
  const topic = (name: string) => `t${tag}.${name}`;
  const orgId = randomUUID();
  const director: Actor = { personId: randomUUID(), orgId, role: 'director' };
  const manager: Actor = { personId: randomUUID(), orgId, role: 'manager' };
  const services: TestService[] = [];
  let collector: EventCollector;

  beforeAll(async () => {
    for (const [module, database] of [
      [StrategyApp, strategyDatabase],
      [ExecutionApp, executionDatabase],
      [MetricsApp, metricsDatabase],
    ] as const) {
      services.push(await startTestService(module, { tag, database }));
    }
    collector = await EventCollector.start([topic(Topics.Goals), topic(Topics.Tasks), topic(Topics.Scores)]);
  });
  afterAll(async () => {
    await collector?.stop();
    for (const service of services.reverse()) await service.stop();
  });

  it('turns an activated goal into one manager task whose progress moves the goal score', async () => {
    const [strategy, execution, metrics] = services;
    // The admin bootstraps the organisation: the tenant, a unit, the director and the manager.
    const asAdmin = await typedClientAs(strategy.url, { personId: randomUUID(), orgId, role: 'admin' });
    const organisation = await strategyApi.organisationsCreate({ client: asAdmin, body: { name: 'Acme Devices' } });
    expect(organisation.response.status).toBe(201);
    const { data: unit } = await strategyApi.orgUnitsCreate({ client: asAdmin, body: { name: 'Product' } });
    for (const [actor, name] of [
      [director, 'Dana Director'],
      [manager, 'Mia Manager'],
    ] as const) {
      const person = await strategyApi.peopleCreate({
        client: asAdmin,
        body: { id: actor.personId, name, email: `${actor.role}@acme.example`, role: actor.role, orgUnitId: unit!.id },
      });
      expect(person.response.status).toBe(201);
    }

    const asDirector = await typedClientAs(strategy.url, director);
    const { data: goal } = await strategyApi.goalsCreate({
      client: asDirector,
      body: {
        title: 'Launch the new product line',
        ownerId: director.personId,
        orgUnitId: unit!.id,
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        budget: { currency: 'EUR', amountMinor: 5_000_000 },
      },
    });
    const goalId = goal!.id;
    const deliverable = await strategyApi.deliverablesAdd({
      client: asDirector,
      path: { goalId },
      body: {
        title: 'Pilot production run',
        managerId: manager.personId,
        dueDate: '2026-06-30',
        budgetMinor: 2_000_000,
      },
    });
    expect(deliverable.response.status).toBe(201);
    const activated = await strategyApi.goalsActivate({
      client: asDirector,
      path: { goalId },
      headers: { 'If-Match': '"1"' },
    });
    expect(activated.response.status).toBe(200);

    const asManager = await typedClientAs(execution.url, manager);
    const tasks = await waitFor(
      async () => {
        const { data } = await executionApi.tasksList({ client: asManager });
        return data?.items.length ? data.items : undefined;
      },
      { what: "the manager's task" },
    );
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      goalId,
      status: 'todo',
      dueDate: '2026-06-30',
      plannedCostMinor: 2_000_000,
      origin: 'deliverable',
      version: 1,
    });
    const taskId = tasks[0].id;

    // The same activation delivered again (same event id) must not make a second task.
    const [activation] = await collector.waitForType(GoalActivatedV1.type);
    const kafka = new Kafka({ brokers: [testKafkaBrokers()], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topic(Topics.Goals), messages: [{ key: activation.key, value: activation.raw }] });
    await producer.disconnect();

    const asMetrics = await typedClientAs(metrics.url, director);
    const goalScore = async () =>
      (await metricsApi.scoresOne({ client: asMetrics, path: { scopes: 'goals', id: goalId } })).data;
    // The deliverable is due 2026-06-30, before the events' time: nothing earned of the value planned by now.
    const first = await waitFor(goalScore, { what: 'the first goal score' });
    expect(first).toMatchObject({ band: 'off_track' });
    expect(first.components.find((component) => component.name === 'schedule')).toMatchObject({ value: 0 });

    const started = await executionApi.tasksChangeStatus({
      client: asManager,
      path: { taskId },
      headers: { 'If-Match': '"1"' },
      body: { to: 'in_progress' },
    });
    expect(started.response.status).toBe(200);
    const done = await executionApi.tasksChangeStatus({
      client: asManager,
      path: { taskId },
      headers: { 'If-Match': started.response.headers.get('etag')! },
      body: { to: 'done' },
    });
    expect(done.data).toMatchObject({ status: 'done', progress: 100, version: 3 });
    expect(done.response.headers.get('etag')).toBe('"3"');

    const score = await waitFor(
      async () => {
        const latest = await goalScore();
        return latest && latest.score > first.score ? latest : undefined;
      },
      { what: 'the goal score to rise as the task completes' },
    );
    expect(score).toMatchObject({ score: 100, band: 'on_track', drivers: [] });
    expect(score.components.find((component) => component.name === 'schedule')).toMatchObject({ value: 100 });

    // The integrator's example prints the same organisation score, and no goal off track.
    const organisationScore = await waitFor(async () => {
      const { data } = await metricsApi.scoresOrganisation({ client: asMetrics });
      return data?.score === 100 ? data : undefined;
    });
    const report = runExample('score-report.ts', { TOKEN: await mintDevToken(director), METRICS_URL: metrics.url });
    expect(await report.exited).toBe(0);
    expect(report.output()).toContain(`${organisationScore.name}: 100 (on_track)`);
    expect(report.output()).toContain('Every goal is on track.');

    // The events seen on the topics: one of each change, keyed by the goal, scores only on change.
    await collector.waitForType(AlignmentScoreChangedV1.type, 2, (entry) => entry.event.data.scope === 'goal');
    await collector.waitForType(TaskStatusChangedV1.type, 2);
    expect(collector.ofType(GoalActivatedV1.type).map((entry) => entry.event.id)).toEqual([
      activation.event.id,
      activation.event.id,
    ]);
    const created = collector.ofType(TaskCreatedV1.type);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      key: goalId,
      event: { subject: taskId, orgid: orgId, causationid: activation.event.id },
    });
    expect(
      collector
        .ofType(TaskStatusChangedV1.type)
        .map((entry) => [entry.key, entry.event.data.from, entry.event.data.to]),
    ).toEqual([
      [goalId, 'todo', 'in_progress'],
      [goalId, 'in_progress', 'done'],
    ]);
    // Managers, units and the organisation are scored too; the goal's score changed twice, so two events.
    expect(
      collector
        .ofType(AlignmentScoreChangedV1.type)
        .filter((entry) => entry.event.data.scope === 'goal')
        .map((entry) => [entry.key, entry.event.data.score]),
    ).toEqual([
      [goalId, first.score],
      [goalId, 100],
    ]);
    // Still one task after the redelivery was processed.
    expect((await executionApi.tasksList({ client: asManager })).data?.page.total).toBe(1);
    const history = await waitFor(async () => {
      const [row] = await execution.dataSource.query(
        `SELECT count(*)::int AS n FROM inbox_event WHERE event_type = $1`,
        [GoalActivatedV1.type],
      );
      return row.n === 1 ? row : undefined;
    });
    expect(history.n).toBe(1);
  });
});
