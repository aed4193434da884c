import { randomUUID } from 'node:crypto';
import {
  AlertRaisedV1,
  GoalActivatedV1,
  OrganisationCreatedV1,
  OrgUnitCreatedV1,
  PersonCreatedV1,
  TaskCostRecordedV1,
  TaskCreatedV1,
  TaskProgressReportedV1,
  Topics,
} from '@throughline/contracts';
import { Actor, CLOCK, ManualClock } from '@throughline/service-kit';
import {
  apiAs,
  ApiClient,
  EventCollector,
  EventFeed,
  startTestService,
  TestService,
  uniqueTag,
  waitFor,
} from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { metricsDatabase } from '../src/database/metrics-database';

const id = () => randomUUID();

/**
 * Forecasts at completion over the real broker and database: a launch goal with a production
 * sub-goal whose pilot slips past its due date and overspends, read as the formula says
 * (EAC = AC + (BAC − EV) / CPI, projected finish = start + ⌈span / SPI⌉ − 1) for the goals,
 * managers, units and the organisation; a manager reads their own forecast only.
 */
describe('metrics: forecasts at completion', () => {
  const tag = uniqueTag();
  const orgId = id();
  const units = { product: id(), manufacturing: id(), marketing: id() };
  const people = { dana: id(), mia: id(), max: id() };
  const goals = { launch: id(), production: id() };
  const tasks = { pilot: id(), campaign: id() };
  let metrics: TestService;
  let feed: EventFeed;
  let collector: EventCollector;
  let director: ApiClient;
  let mia: ApiClient;

  const settled = () =>
    waitFor(
      async () => {
        const [row] = await metrics.dataSource.query(`SELECT count(*)::int AS n FROM inbox_event`);
        return row.n >= feed.distinctEvents;
      },
      { what: `metrics to apply ${feed.distinctEvents} events` },
    );
  /** The open forecast alerts, as [kind, goal id], sorted. */
  const forecastAlerts = async () =>
    (await director.get('/v1/alerts?limit=100')).body.items
      .filter((alert: { kind: string }) => alert.kind.startsWith('goal_forecast_'))
      .map((alert: { kind: string; scopeId: string }) => [alert.kind, alert.scopeId])
      .sort();
  const forecastOf = async (path: string) => {
    const response = await director.get(`/v1/scores/${path}/forecast`);
    expect(response.status).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    metrics = await startTestService(AppModule, {
      tag,
      database: metricsDatabase,
      env: {
        METRICS_CLOCK: 'manual',
        METRICS_CLOCK_START: '2026-01-01T00:00:00.000Z',
        METRICS_TIME_PASS_INTERVAL_MS: '0',
      },
    });
    const as = (personId: string, role: Actor['role']) => apiAs(metrics.url, { personId, orgId, role });
    director = await as(people.dana, 'director');
    mia = await as(people.mia, 'manager');
    feed = await EventFeed.start(tag, orgId);
    collector = await EventCollector.start([`t${tag}.${Topics.Alerts}`]);
  });
  afterAll(async () => {
    await collector?.stop();
    await feed?.stop();
    await metrics?.stop();
  });

  it('forecasts cost and finish from earned value, rolled up, and keeps a manager to their own', async () => {
    const at = (day: string, minute = 0) => `2026-${day}T09:${String(minute).padStart(2, '0')}:00.000Z`;
    await feed.publish(
      OrganisationCreatedV1,
      { organisationId: orgId, name: 'Acme Devices', createdAt: at('01-02') },
      at('01-02'),
    );
    for (const [minute, orgUnitId, name, parentOrgUnitId] of [
      [1, units.product, 'Product', null],
      [2, units.manufacturing, 'Manufacturing', units.product],
      [3, units.marketing, 'Marketing', units.product],
    ] as const)
      await feed.publish(OrgUnitCreatedV1, { orgUnitId, name, parentOrgUnitId, version: 1 }, at('01-02', minute));
    for (const [minute, personId, name, role, orgUnitId, reportsToId] of [
      [4, people.dana, 'Dana', 'director', units.product, null],
      [5, people.mia, 'Mia', 'manager', units.manufacturing, people.dana],
      [6, people.max, 'Max', 'manager', units.marketing, people.dana],
    ] as const)
      await feed.publish(
        PersonCreatedV1,
        {
          personId,
          name,
          email: `${name.toLowerCase()}@acme.example`,
          role,
          orgUnitId,
          reportsToId,
          active: true,
          version: 1,
        },
        at('01-02', minute),
      );
    const activate = (
      goalId: string,
      parentGoalId: string | null,
      orgUnitId: string,
      title: string,
      periodEnd: string,
      budgetMinor: number,
    ) =>
      feed.publish(
        GoalActivatedV1,
        {
          goalId,
          parentGoalId,
          orgUnitId,
          ownerId: people.dana,
          title,
          periodStart: '2026-01-01',
          periodEnd,
          weight: 1,
          currency: 'EUR',
          budgetMinor,
          deliverables: [],
          activatedAt: at('01-05'),
        },
        at('01-05'),
      );
    await activate(goals.launch, null, units.product, 'Launch the new product line', '2026-06-30', 10_000_000);
    await activate(goals.production, goals.launch, units.manufacturing, 'Production ready', '2026-03-31', 5_000_000);
    const task = (
      taskId: string,
      goalId: string,
      managerId: string,
      title: string,
      dueDate: string,
      weight: number,
      plannedCostMinor: number,
    ) =>
      feed.publish(
        TaskCreatedV1,
        {
          taskId,
          goalId,
          deliverableId: null,
          managerId,
          title,
          status: 'todo',
          dueDate,
          weight,
          currency: 'EUR',
          plannedCostMinor,
          origin: 'manager',
          createdAt: at('01-05', 10),
        },
        at('01-05', 10),
      );
    await task(tasks.pilot, goals.production, people.mia, 'Pilot production run', '2026-02-27', 2, 4_000_000);
    await task(tasks.campaign, goals.launch, people.max, 'Launch campaign', '2026-04-30', 1, 2_000_000);
    await settled();

    // Nothing booked and nothing due yet: no figure is made up.
    const early = await forecastOf(`goals/${goals.launch}`);
    expect(early).toMatchObject({
      scope: 'goal',
      name: 'Launch the new product line',
      asOf: '2026-01-05',
      currency: 'EUR',
    });
    expect(early.cost).toMatchObject({
      budget: 15_000_000,
      budgetedWork: 6_000_000,
      costPerformanceIndex: null,
      estimateAtCompletion: null,
      varianceAtCompletion: null,
      toCompletePerformanceIndex: 0.4,
      overrun: null,
    });
    expect(early.cost.missing).toContainEqual({ field: 'estimateAtCompletion', reason: 'no_cost_booked' });
    expect(early.schedule).toMatchObject({ schedulePerformanceIndex: null, projectedFinish: null, late: null });
    expect(early.schedule.missing).toContainEqual({ field: 'projectedFinish', reason: 'nothing_planned_yet' });
    expect(await forecastAlerts()).toEqual([]);

    // 10 February: the pilot is 30 % done for 30,000.00 of its 40,000.00; the campaign 40 % for 5,000.00 of 20,000.00.
    for (const [minute, taskId, goalId, managerId, progress, amountMinor] of [
      [0, tasks.pilot, goals.production, people.mia, 30, 3_000_000],
      [2, tasks.campaign, goals.launch, people.max, 40, 500_000],
    ] as const) {
      await feed.publish(
        TaskProgressReportedV1,
        {
          taskId,
          goalId,
          managerId,
          progress,
          note: null,
          reportedBy: managerId,
          reportedAt: at('02-10', minute),
          taskVersion: 2,
        },
        at('02-10', minute),
      );
      await feed.publish(
        TaskCostRecordedV1,
        {
          taskId,
          goalId,
          managerId,
          entryId: id(),
          amountMinor,
          currency: 'EUR',
          description: 'Booked',
          incurredOn: '2026-02-09',
          recordedBy: managerId,
          recordedAt: at('02-10', minute + 1),
        },
        at('02-10', minute + 1),
      );
    }
    await settled();
    const beforeTimePass = await forecastOf(`goals/${goals.launch}`);
    // 2 March: the pilot is overdue (all its planned value is due), the campaign a quarter into its plan.
    (metrics.app.get(CLOCK) as ManualClock).set(new Date('2026-03-02T06:00:00.000Z'));
    expect((await director.post('/v1/time-pass', {})).body).toMatchObject({ asOf: '2026-03-02' });

    // Production: CPI 12,000 / 30,000 = 0.4 → EAC 30,000 + 28,000 / 0.4 = 100,000.00 against 50,000.00;
    // SPI 60,000 / 200,000 = 0.3 → its 90 days last ⌈300⌉: from 1 January to 27 October.
    const production = await forecastOf(`goals/${goals.production}`);
    expect(production.asOf).toBe('2026-03-02');
    expect(production.cost).toMatchObject({
      budget: 5_000_000,
      budgetedWork: 4_000_000,
      earnedValue: 1_200_000,
      actualCost: 3_000_000,
      costPerformanceIndex: 0.4,
      estimateAtCompletion: 10_000_000,
      estimateToComplete: 7_000_000,
      varianceAtCompletion: -5_000_000,
      toCompletePerformanceIndex: 1.4,
      overrun: true,
      missing: [],
    });
    expect(production.schedule).toMatchObject({
      schedulePerformanceIndex: 0.3,
      plannedStart: '2026-01-01',
      plannedEnd: '2026-03-31',
      projectedFinish: '2026-10-27',
      slipDays: 210,
      late: true,
      missing: [],
    });

    // Launch rolls its sub-goal up: EV 20,000, AC 35,000 → CPI 0.571, EAC 35,000 + 40,000 × 35 / 20 = 105,000.00,
    // within the 150,000.00 of both budgets; SPI 85,000 / 225,000 → 181 days last 480.
    const launch = await forecastOf(`goals/${goals.launch}`);
    expect(launch.cost).toMatchObject({
      budget: 15_000_000,
      budgetedWork: 6_000_000,
      earnedValue: 2_000_000,
      actualCost: 3_500_000,
      costPerformanceIndex: 0.571,
      estimateAtCompletion: 10_500_000,
      estimateToComplete: 7_000_000,
      varianceAtCompletion: 4_500_000,
      toCompletePerformanceIndex: 0.348,
      overrun: false,
    });
    expect(launch.schedule).toMatchObject({
      schedulePerformanceIndex: 0.378,
      projectedFinish: '2027-04-25',
      slipDays: 299,
    });

    // Managers, units and the organisation are held against the planned cost of their tasks and have no period.
    const noPeriod = { projectedFinish: null, late: null };
    const miaForecast = await forecastOf(`managers/${people.mia}`);
    expect(miaForecast).toMatchObject({ scope: 'manager', name: 'Mia', currency: null });
    expect(miaForecast.cost).toMatchObject({
      budget: 4_000_000,
      estimateAtCompletion: 10_000_000,
      varianceAtCompletion: -6_000_000,
      toCompletePerformanceIndex: 2.8,
    });
    expect(miaForecast.schedule).toMatchObject({ schedulePerformanceIndex: 0.3, ...noPeriod });
    expect(miaForecast.schedule.missing).toContainEqual({ field: 'projectedFinish', reason: 'no_period' });
    // Max is under cost (CPI 1.6): 5,000 + 12,000 / 1.6 = 12,500.00 of 20,000.00.
    const maxForecast = await forecastOf(`managers/${people.max}`);
    expect(maxForecast.cost).toMatchObject({
      costPerformanceIndex: 1.6,
      estimateAtCompletion: 1_250_000,
      varianceAtCompletion: 750_000,
      toCompletePerformanceIndex: 0.8,
      overrun: false,
    });
    expect(maxForecast.schedule).toMatchObject({ schedulePerformanceIndex: 1, ...noPeriod });
    expect((await forecastOf(`org-units/${units.manufacturing}`)).cost).toMatchObject({
      estimateAtCompletion: 10_000_000,
      varianceAtCompletion: -6_000_000,
    });
    const organisationCost = {
      budget: 6_000_000,
      estimateAtCompletion: 10_500_000,
      varianceAtCompletion: -4_500_000,
      toCompletePerformanceIndex: 1.6,
      overrun: true,
    };
    expect((await forecastOf(`org-units/${units.product}`)).cost).toMatchObject(organisationCost);
    const organisation = await director.get('/v1/scores/organisation/forecast');
    expect(organisation.status).toBe(200);
    expect(organisation.body).toMatchObject({
      scope: 'organisation',
      scopeId: orgId,
      name: 'Acme Devices',
      cost: organisationCost,
    });

    // As of a time: the forecast from the facts the last change at or before it kept — the 5 January one
    // before anything was booked, the 10 February one before the time pass; nothing before the first score.
    const forecastAsOf = (path: string, time: string) =>
      director.get(`/v1/scores/${path}/forecast?asOf=${encodeURIComponent(time)}`);
    expect((await forecastAsOf(`goals/${goals.launch}`, at('01-06'))).body).toEqual(early);
    expect((await forecastAsOf(`goals/${goals.launch}`, at('02-11'))).body).toEqual(beforeTimePass);
    expect((await forecastAsOf('organisation', at('03-03'))).body).toEqual(organisation.body);
    const tooEarly = await forecastAsOf(`goals/${goals.launch}`, at('01-01'));
    expect(tooEarly.status).toBe(404);
    expect(tooEarly.body.detail).toContain('had no score, so no forecast, yet');
    expect((await forecastAsOf(`goals/${goals.launch}`, 'last week')).status).toBe(400);

    // A manager reads their own forecast, not another manager's, a goal's or the organisation's.
    expect((await mia.get(`/v1/scores/managers/${people.mia}/forecast`)).body.cost).toMatchObject({
      estimateAtCompletion: 10_000_000,
    });
    for (const path of [`managers/${people.max}/forecast`, `goals/${goals.launch}/forecast`, 'organisation/forecast']) {
      const refused = await mia.get(`/v1/scores/${path}`);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }

    // Raised before it happens (on 10 February the pilot was not yet due), once per ongoing condition:
    // the time pass rescored the goals without raising them again.
    expect(await forecastAlerts()).toEqual(
      [
        ['goal_forecast_late', goals.launch],
        ['goal_forecast_late', goals.production],
        ['goal_forecast_overrun', goals.production],
      ].sort(),
    );
    const raised = await collector.waitForType(AlertRaisedV1.type, 3, (entry) =>
      entry.event.data.kind.startsWith('goal_forecast_'),
    );
    expect(raised.map((entry) => entry.event.data.raisedAt.slice(0, 10))).toEqual(Array(3).fill('2026-02-10'));
    expect(raised.find((entry) => entry.event.data.kind === 'goal_forecast_overrun')!.event.data).toMatchObject({
      scope: 'goal',
      scopeId: goals.production,
      message:
        'Production ready is forecast to cost 100,000.00 at completion, 50,000.00 over its budget of 50,000.00 (CPI 0.4).',
    });

    // The pilot is finished: it cost what was booked (30,000.00, within 50,000.00) and all its value is earned, so both recover.
    await feed.publish(
      TaskProgressReportedV1,
      {
        taskId: tasks.pilot,
        goalId: goals.production,
        managerId: people.mia,
        progress: 100,
        note: null,
        reportedBy: people.mia,
        reportedAt: at('03-02'),
        taskVersion: 3,
      },
      at('03-02'),
    );
    await settled();
    expect((await forecastOf(`goals/${goals.production}`)).cost).toMatchObject({
      estimateAtCompletion: 3_000_000,
      varianceAtCompletion: 2_000_000,
      overrun: false,
    });
    expect((await forecastOf(`goals/${goals.launch}`)).schedule).toMatchObject({
      schedulePerformanceIndex: 1,
      projectedFinish: '2026-06-30',
      late: false,
    });
    expect(await forecastAlerts()).toEqual([]);

    // Unknown ids and scopes answer 404, a malformed id 400, as problem+json.
    for (const [path, status] of [
      [`goals/${id()}/forecast`, 404],
      [`teams/${goals.launch}/forecast`, 404],
      ['goals/not-a-uuid/forecast', 400],
    ] as const) {
      const response = await director.get(`/v1/scores/${path}`);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
