import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  AlignmentScoreChangedV1,
  GoalActivatedV1,
  TaskCreatedV1,
  TaskStatusChangedV1,
  Topics,
} from '@throughline/contracts';
import { Actor } from '@throughline/service-kit';
import {
  apiAs,
  EventCollector,
  startTestService,
  testKafkaBrokers,
  TestService,
  uniqueTag,
  waitFor,
} from '@throughline/testing';
import { AppModule as ExecutionApp } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { AppModule as MetricsApp } from '../../apps/metrics-service/src/app.module';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { AppModule as StrategyApp } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';

/** One goal through all three services, over the real broker and database. */
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
    const asAdmin = await apiAs(strategy.url, { personId: randomUUID(), orgId, role: 'admin' });
    expect((await asAdmin.post('/v1/organisations', { name: 'Acme Devices' })).status).toBe(201);
    const unit = await asAdmin.post('/v1/org-units', { name: 'Product' });
    expect(unit.status).toBe(201);
    for (const [actor, name] of [
      [director, 'Dana Director'],
      [manager, 'Mia Manager'],
    ] as const) {
      expect(
        (
          await asAdmin.post('/v1/people', {
            id: actor.personId,
            name,
            email: `${actor.role}@acme.example`,
            role: actor.role,
            orgUnitId: unit.body.id,
          })
        ).status,
      ).toBe(201);
    }

    const asDirector = await apiAs(strategy.url, director);
    const goal = await asDirector.post('/v1/goals', {
      title: 'Launch the new product line',
      ownerId: director.personId,
      orgUnitId: unit.body.id,
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      budget: { currency: 'EUR', amountMinor: 5_000_000 },
    });
    expect(goal.status).toBe(201);
    const goalId: string = goal.body.id;
    expect(
      (
        await asDirector.post(`/v1/goals/${goalId}/deliverables`, {
          title: 'Pilot production run',
          managerId: manager.personId,
          dueDate: '2026-06-30',
          budgetMinor: 2_000_000,
        })
      ).status,
    ).toBe(201);
    expect((await asDirector.post(`/v1/goals/${goalId}/activate`, {}, { 'if-match': '"1"' })).status).toBe(200);

    const asManager = await apiAs(execution.url, manager);
    const tasks = await waitFor(
      async () => {
        const response = await asManager.get('/v1/tasks');
        return response.body.items?.length ? response.body.items : undefined;
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
    const taskId: string = tasks[0].id;

    // The same activation delivered again (same event id) must not make a second task.
    const [activation] = await collector.waitForType(GoalActivatedV1.type);
    const kafka = new Kafka({ brokers: [testKafkaBrokers()], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topic(Topics.Goals), messages: [{ key: activation.key, value: activation.raw }] });
    await producer.disconnect();

    const asMetrics = await apiAs(metrics.url, director);
    await waitFor(async () => (await asMetrics.get(`/v1/scores/goals/${goalId}`)).status === 200, {
      what: 'the first goal score',
    });
    // The deliverable is due 2026-06-30, before the events' time: nothing earned of the value planned by now.
    const first = (await asMetrics.get(`/v1/scores/goals/${goalId}`)).body;
    expect(first).toMatchObject({ band: 'off_track' });
    expect(first.components.find((component: { name: string }) => component.name === 'schedule')).toMatchObject({
      value: 0,
    });

    expect(
      (await asManager.post(`/v1/tasks/${taskId}/status`, { to: 'in_progress' }, { 'if-match': '"1"' })).status,
    ).toBe(200);
    const done = await asManager.post(`/v1/tasks/${taskId}/status`, { to: 'done' }, { 'if-match': '"2"' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', progress: 100, version: 3 });

    const score = await waitFor(
      async () => {
        const response = await asMetrics.get(`/v1/scores/goals/${goalId}`);
        return response.body.score > first.score ? response.body : undefined;
      },
      { what: 'the goal score to rise as the task completes' },
    );
    expect(score).toMatchObject({ score: 100, band: 'on_track', drivers: [] });
    expect(score.components.find((component: { name: string }) => component.name === 'schedule')).toMatchObject({
      value: 100,
    });

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
    expect((await asManager.get('/v1/tasks')).body.page.total).toBe(1);
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
