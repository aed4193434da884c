import { deadLetterTopic, Topics } from '@throughline/contracts';
import { apiClient, execution, metrics, strategy } from '@throughline/api-client';
import { mintDevToken } from '@throughline/service-kit';
import {
  ConformanceProxy,
  createTestTopics,
  startConformanceProxy,
  startTestService,
  TestService,
  uniqueTag,
  waitFor,
  waitForConsumerGroup,
} from '@throughline/testing';
import { AppModule as StrategyApp } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { AppModule as ExecutionApp } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { AppModule as MetricsApp } from '../../apps/metrics-service/src/app.module';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { DEMO_ORGANISATION, demoPerson } from '../../tools/demo/demo-organisation';
import { DEMO_GOALS, DEMO_HISTORY_DAYS, DEMO_UNLINKED_TASKS } from '../../tools/demo/demo-story';
import { DemoLoadSummary, loadDemoOrganisation } from '../../tools/demo/load-demo';

/**
 * The demo organisation `npm start` loads: through the public APIs of real services (every answer
 * checked against their documents), with its three months of history, and a second load that
 * changes nothing at all — no event, no version, no entry.
 */
describe('demo organisation loader (real strategy, execution and metrics, PostgreSQL and Kafka)', () => {
  const tag = uniqueTag();
  const services: TestService[] = [];
  let gates: ConformanceProxy[];

  beforeAll(async () => {
    await createTestTopics(
      [
        Topics.Organisation,
        Topics.Goals,
        Topics.Tasks,
        Topics.Scores,
        Topics.Alerts,
        deadLetterTopic('strategy-service'),
        deadLetterTopic('execution-service'),
        deadLetterTopic('metrics-service'),
      ].map((topic) => `t${tag}.${topic}`),
    );
    services.push(await startTestService(StrategyApp, { tag, database: strategyDatabase }));
    services.push(await startTestService(ExecutionApp, { tag, database: executionDatabase }));
    services.push(await startTestService(MetricsApp, { tag, database: metricsDatabase }));
    gates = await Promise.all(services.slice(0, 2).map((service) => startConformanceProxy(service.url)));
  }, 120_000);
  afterAll(async () => {
    for (const gate of gates ?? []) await gate.stop();
    for (const service of services.reverse()) await service.stop();
  });

  const load = () => loadDemoOrganisation({ strategyUrl: gates[0].url, executionUrl: gates[1].url });
  const as = async (key: string, baseUrl: string) => {
    const { id, role } = demoPerson(key);
    return apiClient({ baseUrl, token: await mintDevToken({ personId: id, orgId: DEMO_ORGANISATION.id, role }) });
  };

  /** Strategy and execution have published everything, and metrics has read it all. */
  async function metricsCaughtUp(): Promise<void> {
    const unpublished = async (service: TestService) =>
      Number(
        (await service.dataSource.query(`SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL`))[0].n,
      );
    await waitFor(async () => (await unpublished(services[0])) + (await unpublished(services[1])) === 0, {
      timeoutMs: 60_000,
      what: 'the outboxes to be published',
    });
    await waitForConsumerGroup(
      `t${tag}.metrics-service`,
      [Topics.Organisation, Topics.Goals, Topics.Tasks].map((topic) => `t${tag}.${topic}`),
    );
  }

  /** Everything the load wrote, as the services hold it: every resource with its version, every entry. */
  async function snapshot() {
    const [strategyService, executionService] = services;
    const chris = await as('chris', strategyService.url);
    const chrisTasks = await as('chris', executionService.url);
    const goals = (await strategy.goalsList({ client: chris, query: { limit: 200 } })).data!.items;
    const details = await Promise.all(
      goals.map(async (goal) => (await strategy.goalsGet({ client: chris, path: { goalId: goal.id } })).data!),
    );
    const tasks = (await execution.tasksList({ client: chrisTasks, query: { limit: 200 } })).data!.items;
    const checkIns = await Promise.all(
      details
        .flatMap((goal) => goal.keyResults)
        .map(
          async (keyResult) =>
            (
              await execution.keyResultsListCheckIns({
                client: chrisTasks,
                path: { keyResultId: keyResult.id },
                query: { limit: 200 },
              })
            ).data!.items,
        ),
    );
    const outboxRows = async (service: TestService) =>
      Number((await service.dataSource.query(`SELECT count(*) AS n FROM outbox_event`))[0].n);
    return {
      goals: details.map(({ id, title, status, version, keyResults, deliverables, risks, budget }) => ({
        id,
        title,
        status,
        version,
        budget,
        keyResults: keyResults.map(({ id: krId, version: krVersion }) => [krId, krVersion]),
        deliverables: deliverables.map(({ id: dId, version: dVersion }) => [dId, dVersion]),
        risks: risks.map(({ id: rId, status: rStatus, version: rVersion }) => [rId, rStatus, rVersion]),
      })),
      tasks: tasks.map(({ id, title, status, progress, actualCostMinor, minutesWorked, version }) => ({
        id,
        title,
        status,
        progress,
        actualCostMinor,
        minutesWorked,
        version,
      })),
      checkIns: checkIns.flat().map(({ id, measuredOn, value }) => ({ id, measuredOn, value })),
      outbox: { strategy: await outboxRows(strategyService), execution: await outboxRows(executionService) },
    };
  }

  let first: DemoLoadSummary;

  it('loads the launch story with three months of history, and the director sees a scored organisation', async () => {
    first = await load();
    const deliverables = DEMO_GOALS.flatMap((goal) => goal.deliverables);
    expect(first).toMatchObject({
      organisationCreated: true,
      people: 7,
      goals: DEMO_GOALS.length,
      keyResults: DEMO_GOALS.flatMap((goal) => goal.keyResults).length,
      deliverables: deliverables.length,
      risks: DEMO_GOALS.flatMap((goal) => goal.risks).length,
      checkIns: DEMO_GOALS.flatMap((goal) => goal.keyResults).flatMap((keyResult) => keyResult.checkIns).length,
      taskReports:
        [...deliverables, ...DEMO_UNLINKED_TASKS].reduce((sum, task) => sum + task.steps.length, 0) +
        DEMO_UNLINKED_TASKS.length,
    });
    const today = new Date().toISOString().slice(0, 10);
    expect(Date.parse(today) - Date.parse(first.since)).toBe(DEMO_HISTORY_DAYS * 86_400_000);

    const state = await snapshot();
    expect(state.goals.map((goal) => goal.status)).toEqual(DEMO_GOALS.map(() => 'active'));
    // Every manager has work, in every state of the lifecycle but cancelled.
    expect(new Set(state.tasks.map((task) => task.status))).toEqual(
      new Set(['todo', 'in_progress', 'blocked', 'done']),
    );
    const tasksPerManager = await Promise.all(
      ['mia', 'max', 'lena', 'omar'].map(
        async (key) => (await execution.tasksList({ client: await as(key, services[1].url) })).data!.page.total,
      ),
    );
    expect(tasksPerManager.every((count) => count >= 2)).toBe(true);
    // The history is spread over the three months: measurements and costs carry their own days.
    const measuredOn = state.checkIns.map((checkIn) => checkIn.measuredOn).sort();
    expect(measuredOn[0] < measuredOn.at(-1)!).toBe(true);
    expect(Date.parse(measuredOn.at(-1)!) - Date.parse(measuredOn[0])).toBeGreaterThan(60 * 86_400_000);
    // Every answer the loader got is what the served documents promise.
    expect(gates[0].checked + gates[1].checked).toBeGreaterThan(100);
    expect([...gates[0].failures, ...gates[1].failures]).toEqual([]);

    // The director's overview, once metrics has read it all: a score with its explanation, the goals scored, KPIs with money spent.
    await metricsCaughtUp();
    const chris = await as('chris', services[2].url);
    const organisation = (await metrics.scoresOrganisation({ client: chris })).data!;
    const goals = (await metrics.scoresList({ client: chris, path: { scopes: 'goals' }, query: { limit: 50 } })).data!;
    expect(goals.items).toHaveLength(DEMO_GOALS.length);
    expect(organisation.score).toBeGreaterThan(0);
    expect(organisation.drivers.length).toBeGreaterThan(0);
    const kpis = (await metrics.kpisOrganisation({ client: chris })).data!;
    expect(kpis.spentMinor).toBeGreaterThan(0);
    // Some of the effort went to the unlinked task, and it shows.
    expect(organisation.components.find((component) => component.name === 'focus')!.value).toBeLessThan(100);
  }, 240_000);

  it('loads again without changing anything: same resources, same versions, no new event', async () => {
    expect(first).toBeDefined();
    const before = await snapshot();
    const second = await load();
    expect(second).toEqual({
      organisationCreated: false,
      people: 0,
      goals: 0,
      keyResults: 0,
      deliverables: 0,
      risks: 0,
      taskReports: 0,
      checkIns: 0,
      since: first.since,
    });
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
