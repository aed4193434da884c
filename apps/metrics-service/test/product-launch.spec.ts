import { Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import {
  AlertRaisedV1,
  AlignmentScoreChangedV1,
  GoalActivatedV1,
  GoalCreatedV1,
  KeyResultAddedV1,
  KeyResultCheckedInV1,
  OrganisationCreatedV1,
  OrgUnitCreatedV1,
  PersonCreatedV1,
  RiskRaisedV1,
  RiskUpdatedV1,
  TaskCostRecordedV1,
  TaskCreatedV1,
  TaskHoursRecordedV1,
  TaskProgressReportedV1,
  TaskQualityIssueRecordedV1,
  TaskStatusChangedV1,
  TaskUpdatedV1,
  Topics,
} from '@throughline/contracts';
import { Actor, CLOCK, ManualClock, mintDevToken } from '@throughline/service-kit';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import {
  apiAs,
  ApiClient,
  EventCollector,
  startTestService,
  testServiceEnv,
  TestService,
  uniqueTag,
  waitFor,
  withEnv,
  EventFeed,
} from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { metricsDatabase } from '../src/database/metrics-database';
import { RebuildReport, rebuildReadModels } from '../src/rebuild/rebuild-read-models';

const id = () => randomUUID();

/**
 * The "new product launch" story, told to metrics as the events strategy and execution
 * publish, over the real broker and database: the scores move the right way at each step,
 * and a rebuild from a replay of every topic gives the same scores.
 */
describe('metrics: the new product launch', () => {
  const tag = uniqueTag();
  const orgId = id();
  const units = { product: id(), manufacturing: id(), marketing: id() };
  const people = { dana: id(), mia: id(), max: id() };
  const goalId = id();
  const toolingGoalId = id();
  const keyResults = { preOrders: id(), unitCost: id() };
  const riskId = id();
  const tasks = { pilot: id(), campaign: id(), unlinked: id(), tooling: id() };
  const director: Actor = { personId: people.dana, orgId, role: 'director' };
  const env = {
    METRICS_CLOCK: 'manual',
    METRICS_CLOCK_START: '2026-01-01T00:00:00.000Z',
    METRICS_TIME_PASS_INTERVAL_MS: '0',
  };
  let metrics: TestService;
  let feed: EventFeed;
  let collector: EventCollector;
  let api: ApiClient;

  const goalScore = async (goal = goalId) => (await api.get(`/v1/scores/goals/${goal}`)).body;
  const component = (score: { components: Array<{ name: string; value: number | null }> }, name: string) =>
    score.components.find((entry) => entry.name === name)?.value;
  /** Waits until metrics has applied every distinct event sent so far (its inbox holds them). */
  const settled = () =>
    waitFor(
      async () => {
        const [row] = await metrics.dataSource.query(`SELECT count(*)::int AS n FROM inbox_event`);
        return row.n >= feed.distinctEvents;
      },
      { what: `metrics to apply ${feed.distinctEvents} events` },
    );
  const scoreUntil = (goal: string, predicate: (score: any) => boolean, what: string) =>
    waitFor(
      async () => {
        const response = await api.get(`/v1/scores/goals/${goal}`);
        return response.status === 200 && predicate(response.body) ? response.body : undefined;
      },
      { what },
    );
  const snapshot = () =>
    metrics.dataSource.query(
      `SELECT scope, scope_id, score, band, components, drivers FROM alignment_score ORDER BY scope, scope_id`,
    );

  beforeAll(async () => {
    metrics = await startTestService(AppModule, { tag, database: metricsDatabase, env });
    api = await apiAs(metrics.url, director);
    feed = await EventFeed.start(tag, orgId);
    collector = await EventCollector.start([`t${tag}.${Topics.Scores}`, `t${tag}.${Topics.Alerts}`]);
  });
  afterAll(async () => {
    await collector?.stop();
    await feed?.stop();
    await metrics?.stop();
  });

  const task = (
    taskId: string,
    overrides: Partial<Static<typeof TaskCreatedV1.schema>>,
  ): Static<typeof TaskCreatedV1.schema> => ({
    taskId,
    goalId,
    deliverableId: null,
    managerId: people.mia,
    title: 'Task',
    status: 'todo' as const,
    dueDate: null,
    weight: 1,
    currency: 'EUR',
    plannedCostMinor: 0,
    origin: 'deliverable' as const,
    createdAt: '2026-01-05T10:00:01.000Z',
    ...overrides,
  });

  it('scores the goal, its managers, units and the organisation as work moves, time passes and risks are handled', async () => {
    // The organisation, as strategy publishes it.
    await feed.publish(
      OrganisationCreatedV1,
      { organisationId: orgId, name: 'Acme Devices', createdAt: '2026-01-02T08:00:00.000Z' },
      '2026-01-02T08:00:00.000Z',
    );
    await feed.publish(
      OrgUnitCreatedV1,
      { orgUnitId: units.product, name: 'Product', parentOrgUnitId: null, version: 1 },
      '2026-01-02T08:01:00.000Z',
    );
    await feed.publish(
      OrgUnitCreatedV1,
      { orgUnitId: units.manufacturing, name: 'Manufacturing', parentOrgUnitId: units.product, version: 1 },
      '2026-01-02T08:02:00.000Z',
    );
    await feed.publish(
      OrgUnitCreatedV1,
      { orgUnitId: units.marketing, name: 'Marketing', parentOrgUnitId: units.product, version: 1 },
      '2026-01-02T08:03:00.000Z',
    );
    const person = (
      personId: string,
      name: string,
      role: 'director' | 'manager',
      orgUnitId: string,
      reportsToId: string | null,
    ) => ({
      personId,
      name,
      email: `${name.toLowerCase()}@acme.example`,
      role,
      orgUnitId,
      reportsToId,
      active: true,
      version: 1,
    });
    await feed.publish(
      PersonCreatedV1,
      person(people.dana, 'Dana', 'director', units.product, null),
      '2026-01-02T08:04:00.000Z',
    );
    await feed.publish(
      PersonCreatedV1,
      person(people.mia, 'Mia', 'manager', units.manufacturing, people.dana),
      '2026-01-02T08:05:00.000Z',
    );
    await feed.publish(
      PersonCreatedV1,
      person(people.max, 'Max', 'manager', units.marketing, people.dana),
      '2026-01-02T08:06:00.000Z',
    );

    // Dana sets the goal, its key results and a risk, and activates it; execution makes two tasks.
    const goal = {
      goalId,
      parentGoalId: null,
      orgUnitId: units.product,
      ownerId: people.dana,
      title: 'Launch the new product line',
      description: 'Bring the X200 to market in H1.',
      periodStart: '2026-01-01',
      periodEnd: '2026-06-30',
      weight: 1,
      status: 'draft' as const,
      currency: 'EUR',
      budgetMinor: 10_000_000,
      version: 1,
    };
    await feed.publish(GoalCreatedV1, goal, '2026-01-05T09:00:00.000Z');
    const keyResult = { goalId, category: 'growth' as const, weight: 1, version: 1 };
    await feed.publish(
      KeyResultAddedV1,
      {
        ...keyResult,
        keyResultId: keyResults.preOrders,
        name: 'Pre-orders',
        unit: 'orders',
        baseline: 0,
        target: 1000,
        direction: 'increase',
      },
      '2026-01-05T09:01:00.000Z',
    );
    await feed.publish(
      KeyResultAddedV1,
      {
        ...keyResult,
        keyResultId: keyResults.unitCost,
        name: 'Cost per unit',
        unit: 'EUR',
        baseline: 52,
        target: 40,
        direction: 'decrease',
        category: 'operational_efficiency',
      },
      '2026-01-05T09:02:00.000Z',
    );
    const risk = {
      riskId,
      goalId,
      title: 'Supplier cannot deliver the new casing in time',
      likelihood: 3,
      impact: 4,
      ownerId: people.dana,
      mitigation: null,
      status: 'open' as const,
      version: 1,
    };
    await feed.publish(RiskRaisedV1, risk, '2026-01-05T09:03:00.000Z');
    const deliverables = [
      {
        deliverableId: id(),
        title: 'Pilot production run',
        managerId: people.mia,
        dueDate: '2026-02-27',
        weight: 2,
        budgetMinor: 4_000_000,
      },
      {
        deliverableId: id(),
        title: 'Launch campaign',
        managerId: people.max,
        dueDate: '2026-04-30',
        weight: 1,
        budgetMinor: 2_000_000,
      },
    ];
    await feed.publish(
      GoalActivatedV1,
      {
        goalId,
        parentGoalId: null,
        orgUnitId: units.product,
        ownerId: people.dana,
        title: goal.title,
        periodStart: goal.periodStart,
        periodEnd: goal.periodEnd,
        weight: 1,
        currency: 'EUR',
        budgetMinor: 10_000_000,
        deliverables,
        activatedAt: '2026-01-05T10:00:00.000Z',
      },
      '2026-01-05T10:00:00.000Z',
    );
    await feed.publish(
      TaskCreatedV1,
      task(tasks.pilot, {
        deliverableId: deliverables[0].deliverableId,
        title: 'Pilot production run',
        dueDate: '2026-02-27',
        weight: 2,
        plannedCostMinor: 4_000_000,
      }),
      '2026-01-05T10:00:01.000Z',
    );
    await feed.publish(
      TaskCreatedV1,
      task(tasks.campaign, {
        deliverableId: deliverables[1].deliverableId,
        managerId: people.max,
        title: 'Launch campaign',
        dueDate: '2026-04-30',
        plannedCostMinor: 2_000_000,
      }),
      '2026-01-05T10:00:02.000Z',
    );
    await settled();

    // Step 1 — nothing is due yet; only the unmitigated high risk (3 × 4) costs points.
    const start = await goalScore();
    expect(start).toMatchObject({
      scope: 'goal',
      name: 'Launch the new product line',
      band: 'on_track',
      asOf: '2026-01-05',
    });
    expect([
      component(start, 'schedule'),
      component(start, 'outcomes'),
      component(start, 'risk'),
      component(start, 'cost'),
      component(start, 'focus'),
    ]).toEqual([100, 100, 76, null, null]);
    expect(start.drivers[0]).toMatchObject({ kind: 'risk', id: riskId });
    for (const path of [
      `managers/${people.mia}`,
      `managers/${people.max}`,
      `org-units/${units.manufacturing}`,
      `org-units/${units.product}`,
    ]) {
      expect((await api.get(`/v1/scores/${path}`)).status).toBe(200);
    }
    expect((await api.get('/v1/scores/organisation')).body).toMatchObject({
      scope: 'organisation',
      scopeId: orgId,
      name: 'Acme Devices',
    });

    // Step 2 (10 Feb) — the pilot is 30% done but has cost more than that; Max works on something no goal asked for.
    const cost = {
      taskId: tasks.pilot,
      goalId,
      managerId: people.mia,
      currency: 'EUR',
      description: 'Injection moulds',
      recordedBy: people.mia,
    };
    const firstCost = await feed.publish(
      TaskCostRecordedV1,
      {
        ...cost,
        entryId: id(),
        amountMinor: 1_500_000,
        incurredOn: '2026-02-09',
        recordedAt: '2026-02-10T16:05:00.000Z',
      },
      '2026-02-10T16:05:00.000Z',
    );
    await feed.publish(
      TaskProgressReportedV1,
      {
        taskId: tasks.pilot,
        goalId,
        managerId: people.mia,
        progress: 30,
        note: null,
        reportedBy: people.mia,
        reportedAt: '2026-02-10T16:00:00.000Z',
        taskVersion: 2,
      },
      '2026-02-10T16:06:00.000Z',
    );
    await feed.publish(
      TaskHoursRecordedV1,
      {
        taskId: tasks.pilot,
        goalId,
        managerId: people.mia,
        entryId: id(),
        minutes: 600,
        workedOn: '2026-02-09',
        note: null,
        recordedBy: people.mia,
        recordedAt: '2026-02-10T16:07:00.000Z',
      },
      '2026-02-10T16:07:00.000Z',
    );
    await feed.publish(
      TaskStatusChangedV1,
      {
        taskId: tasks.campaign,
        goalId,
        managerId: people.max,
        from: 'todo',
        to: 'in_progress',
        reason: null,
        progress: 0,
        changedBy: people.max,
        changedAt: '2026-02-10T09:00:00.000Z',
        taskVersion: 2,
      },
      '2026-02-10T09:00:00.000Z',
    );
    await feed.publish(
      TaskCreatedV1,
      task(tasks.unlinked, {
        goalId: null,
        managerId: people.max,
        title: 'Trade fair booth',
        origin: 'manager',
        currency: null,
      }),
      '2026-02-10T09:30:00.000Z',
    );
    await feed.publish(
      TaskHoursRecordedV1,
      {
        taskId: tasks.unlinked,
        goalId: null,
        managerId: people.max,
        entryId: id(),
        minutes: 900,
        workedOn: '2026-02-10',
        note: null,
        recordedBy: people.max,
        recordedAt: '2026-02-10T18:00:00.000Z',
      },
      '2026-02-10T18:00:00.000Z',
    );
    const checkIn = {
      goalId,
      managerId: people.mia,
      measuredOn: '2026-02-09',
      note: null,
      recordedAt: '2026-02-10T18:01:00.000Z',
    };
    await feed.publish(
      KeyResultCheckedInV1,
      { ...checkIn, checkInId: id(), keyResultId: keyResults.preOrders, value: 120 },
      '2026-02-10T18:01:00.000Z',
    );
    await feed.publish(
      KeyResultCheckedInV1,
      { ...checkIn, checkInId: id(), keyResultId: keyResults.unitCost, value: 50 },
      '2026-02-10T18:02:00.000Z',
    );
    await settled();
    const february = await goalScore();
    expect(february.score).toBeLessThan(start.score);
    expect(february).toMatchObject({ band: 'at_risk', asOf: '2026-02-10' });
    expect([component(february, 'schedule'), component(february, 'cost'), component(february, 'outcomes')]).toEqual([
      48, 80, 74.1,
    ]);
    const max = (await api.get(`/v1/scores/managers/${people.max}`)).body;
    expect(component(max, 'focus')).toBe(0);

    // Step 3 — time passes with no event: by 2 March the pilot is overdue. Nothing moves until the pass runs.
    (metrics.app.get(CLOCK) as ManualClock).set(new Date('2026-03-02T06:00:00.000Z'));
    expect((await goalScore()).score).toBe(february.score);
    const pass = await api.post('/v1/time-pass', {});
    expect(pass.status).toBe(200);
    expect(pass.body).toMatchObject({ asOf: '2026-03-02', organisations: 1 });
    const overdue = await goalScore();
    expect(overdue.score).toBeLessThan(february.score);
    expect(overdue.asOf).toBe('2026-03-02');
    expect(overdue.drivers[0]).toMatchObject({
      kind: 'task',
      id: tasks.pilot,
      name: 'Pilot production run',
      component: 'schedule',
    });
    // Mia's score and the organisation's are explained by the same overdue task.
    for (const scope of [`managers/${people.mia}`, 'organisation'])
      expect((await api.get(`/v1/scores/${scope}`)).body.drivers).toContainEqual(
        expect.objectContaining({ kind: 'task', id: tasks.pilot, name: 'Pilot production run', component: 'schedule' }),
      );
    expect((await api.post('/v1/time-pass', {})).body).toMatchObject({ organisations: 0, rescored: 0 });

    // Step 4 — Dana mitigates the supplier risk: the risk component recovers.
    await feed.publish(
      RiskUpdatedV1,
      { ...risk, mitigation: 'Second supplier qualified', status: 'mitigated', version: 2 },
      '2026-03-03T09:00:00.000Z',
    );
    const mitigated = await scoreUntil(
      goalId,
      (score) => component(score, 'risk') === 100,
      'the risk component to recover',
    );
    expect(mitigated.score).toBeGreaterThan(overdue.score);

    // Step 5 — the pilot is done (late), with its last invoice and a defect found afterwards.
    await feed.publish(
      TaskCostRecordedV1,
      {
        ...cost,
        entryId: id(),
        amountMinor: 1_000_000,
        incurredOn: '2026-03-05',
        recordedAt: '2026-03-05T12:00:00.000Z',
      },
      '2026-03-05T12:00:00.000Z',
    );
    await feed.publish(
      TaskStatusChangedV1,
      {
        taskId: tasks.pilot,
        goalId,
        managerId: people.mia,
        from: 'in_progress',
        to: 'done',
        reason: null,
        progress: 100,
        changedBy: people.mia,
        changedAt: '2026-03-05T12:01:00.000Z',
        taskVersion: 3,
      },
      '2026-03-05T12:01:00.000Z',
    );
    await feed.publish(
      TaskQualityIssueRecordedV1,
      {
        taskId: tasks.pilot,
        goalId,
        managerId: people.mia,
        issueId: id(),
        kind: 'defect',
        severity: 'medium',
        description: 'Casing cracks in the drop test',
        recordedBy: people.mia,
        recordedAt: '2026-03-06T09:00:00.000Z',
      },
      '2026-03-06T09:00:00.000Z',
    );
    // Redelivered and late events change nothing: the same cost entry again, an older progress report.
    await feed.redeliver(firstCost);
    // …and the same cost entry in a new envelope (a producer retry with a fresh event id): counted once by its entry id.
    await feed.publish(TaskCostRecordedV1, JSON.parse(firstCost.value).data, '2026-03-06T09:30:00.000Z');
    await feed.publish(
      TaskProgressReportedV1,
      {
        taskId: tasks.pilot,
        goalId,
        managerId: people.mia,
        progress: 10,
        note: null,
        reportedBy: people.mia,
        reportedAt: '2026-01-20T16:00:00.000Z',
        taskVersion: 1,
      },
      '2026-01-20T16:00:00.000Z',
    );
    await settled();
    const done = await goalScore();
    expect(done.score).toBeGreaterThan(mitigated.score);
    expect(component(done, 'cost')).toBe(100);
    const [pilotRow] = await metrics.dataSource.query(
      `SELECT progress, status, actual_cost_minor FROM task_rm WHERE task_id = $1`,
      [tasks.pilot],
    );
    expect(pilotRow).toEqual({ progress: 100, status: 'done', actual_cost_minor: '2500000' });

    // Step 6 — out of order: the task's status change before its creation, both before its goal (a sub-goal).
    await feed.publish(
      TaskStatusChangedV1,
      {
        taskId: tasks.tooling,
        goalId: toolingGoalId,
        managerId: people.mia,
        from: 'todo',
        to: 'in_progress',
        reason: null,
        progress: 20,
        changedBy: people.mia,
        changedAt: '2026-03-06T11:00:00.000Z',
        taskVersion: 2,
      },
      '2026-03-06T11:00:00.000Z',
    );
    await feed.publish(
      TaskCreatedV1,
      task(tasks.tooling, {
        goalId: toolingGoalId,
        title: 'Tooling for line 2',
        dueDate: '2026-03-31',
        plannedCostMinor: 500_000,
      }),
      '2026-03-06T10:00:00.000Z',
    );
    await feed.publish(
      GoalCreatedV1,
      {
        ...goal,
        goalId: toolingGoalId,
        parentGoalId: goalId,
        orgUnitId: units.manufacturing,
        ownerId: people.dana,
        title: 'Second pilot line',
        status: 'active',
        budgetMinor: 1_000_000,
      },
      '2026-03-06T10:05:00.000Z',
    );
    await settled();
    await scoreUntil(toolingGoalId, () => true, 'the sub-goal score');
    const [rollup] = await metrics.dataSource.query(
      `SELECT live_tasks, goal_budget FROM scope_facts WHERE scope = 'goal' AND scope_id = $1`,
      [goalId],
    );
    expect(rollup).toEqual({ live_tasks: '3', goal_budget: '11000000' });
    const [tooling] = await metrics.dataSource.query(
      `SELECT known, status, progress, title FROM task_rm WHERE task_id = $1`,
      [tasks.tooling],
    );
    expect(tooling).toEqual({ known: true, status: 'in_progress', progress: 20, title: 'Tooling for line 2' });

    // KPIs: Mia's March; the directors' first quarter.
    const miaKpis = (await api.get(`/v1/kpis/managers/${people.mia}?from=2026-03-01&to=2026-04-01`)).body;
    expect(miaKpis).toMatchObject({
      throughput: 1,
      onTimeRate: 0,
      costPerCompletedTaskMinor: 1_000_000,
      spentMinor: 2_500_000,
      defects: 1,
      defectRate: 1,
      reworks: 0,
    });
    const orgKpis = (await api.get('/v1/kpis/organisation?from=2026-01-01&to=2026-04-01')).body;
    expect(orgKpis).toMatchObject({
      throughput: 1,
      spentMinor: 2_500_000,
      goalBudgetMinor: 11_000_000,
      budgetConsumption: 0.2273,
      risksMitigated: 1,
      risksMaterialised: 0,
      riskManagementEffectiveness: 1,
    });
    expect(orgKpis.linkedEffortShare).toBe(0.4);
    // A unit's figures count its managers and goals and those of the units below it: Product holds
    // everyone; Mia's Manufacturing the completed pilot, its costs and the sub-goal; Max's Marketing his unlinked hours.
    const unitKpis = async (unitId: string) =>
      (await api.get(`/v1/kpis/organisation?from=2026-01-01&to=2026-04-01&orgUnitId=${unitId}`)).body;
    const { orgUnitId: _whole, alignmentScore: _score, keyResultAttainment: _attainment, ...wholeFigures } = orgKpis;
    expect(await unitKpis(units.product)).toMatchObject({ orgUnitId: units.product, ...wholeFigures });
    expect(await unitKpis(units.manufacturing)).toMatchObject({
      throughput: 1,
      spentMinor: 2_500_000,
      goalBudgetMinor: 1_000_000,
      linkedEffortShare: 1,
      risksMitigated: 0,
    });
    expect(await unitKpis(units.marketing)).toMatchObject({
      throughput: 0,
      spentMinor: 0,
      goalBudgetMinor: 0,
      budgetConsumption: null,
      linkedEffortShare: 0,
    });
    const history = (await api.get(`/v1/kpis/organisation/history?from=2026-01-01&to=2026-04-01&interval=month`)).body;
    expect(history.points.map((point: { from: string; throughput: number }) => [point.from, point.throughput])).toEqual(
      [
        ['2026-01-01', 0],
        ['2026-02-01', 0],
        ['2026-03-01', 1],
      ],
    );
    const scoreHistory = (
      await api.get(`/v1/scores/goals/${goalId}/history?from=2026-01-01T00:00:00Z&to=2026-07-01T00:00:00Z`)
    ).body;
    expect(scoreHistory.items.map((point: { score: number }) => point.score)).toEqual(
      expect.arrayContaining([start.score, february.score, overdue.score, mitigated.score, done.score]),
    );
    // Daily closes, newest day first: each day's last score, one point per day that had a change.
    const range = 'from=2026-01-01T00:00:00Z&to=2026-07-01T00:00:00Z';
    const everyChange = (await api.get(`/v1/scores/goals/${goalId}/history?${range}&limit=200`)).body.items as Array<{
      score: number;
      at: string;
    }>;
    const closes = new Map(everyChange.map((point) => [point.at.slice(0, 10), point]));
    expect(closes.size).toBeGreaterThan(2);
    const daily = (await api.get(`/v1/scores/goals/${goalId}/history?${range}&interval=day&limit=200`)).body;
    expect(daily.items).toEqual([...closes.values()].reverse());
    expect(daily.page.total).toBe(closes.size);
    // A page of one is the latest day, and a range that ends mid-history closes its last day within the range.
    const latest = (await api.get(`/v1/scores/goals/${goalId}/history?interval=day&limit=1`)).body;
    expect(latest.items).toEqual([daily.items[0]]);
    const secondDay = [...closes.keys()][1];
    const cut = everyChange.find((point) => point.at.startsWith(secondDay))!;
    const untilCut = (
      await api.get(`/v1/scores/goals/${goalId}/history?to=${encodeURIComponent(cut.at)}&interval=day&limit=200`)
    ).body;
    expect(untilCut.items).toEqual([closes.get([...closes.keys()][0])]);
    expect((await api.get(`/v1/scores/goals/${goalId}/history?interval=week`)).status).toBe(400);
    const organisationHistory = (await api.get('/v1/scores/organisation/history?limit=5')).body;
    expect(organisationHistory.items.length).toBeGreaterThan(0);
    expect(organisationHistory.page.total).toBeGreaterThanOrEqual(organisationHistory.items.length);

    // Events: score changes only on change; one alert per ongoing condition. History also keeps a
    // point when only the facts moved (a forecast's past), which is no score change: not counted.
    type Point = {
      score: number;
      band: string;
      components: Array<{ name: string; value: number | null; weight: number }>;
    };
    const scored = (point: Point) =>
      JSON.stringify([point.score, point.band, point.components.map((part) => [part.name, part.value, part.weight])]);
    const pointsOldestFirst = everyChange as unknown as Point[];
    const scoreChanges = pointsOldestFirst.filter(
      (point, index) => index === 0 || scored(point) !== scored(pointsOldestFirst[index - 1]),
    ).length;
    expect(scoreChanges).toBeGreaterThan(2);
    const goalChanges = await collector.waitForType(
      AlignmentScoreChangedV1.type,
      scoreChanges,
      (entry) => entry.event.data.scopeId === goalId,
    );
    goalChanges.forEach(
      (entry, index) =>
        index > 0 &&
        expect(
          entry.event.data.score === goalChanges[index - 1].event.data.score &&
            entry.event.data.band === goalChanges[index - 1].event.data.band,
        ).toBe(false),
    );
    const alerts = await collector.waitForType(AlertRaisedV1.type, 3);
    const kinds = alerts.map((entry) => [entry.event.data.kind, entry.event.data.scopeId]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['unmitigated_risk', goalId],
        ['unlinked_work', people.max],
      ]),
    );
    // Events of one step on different partitions may be applied in any order, so the first band crossed may be either.
    expect(
      kinds.filter(([kind, scopeId]) => /^goal_(at_risk|off_track)$/.test(kind) && scopeId === goalId).length,
    ).toBeGreaterThanOrEqual(1);
    expect(kinds.filter(([kind, scopeId]) => kind === 'unmitigated_risk' && scopeId === goalId)).toHaveLength(1);

    // Who may read what: a manager their own figures only; another organisation nothing.
    const asMia = await apiAs(metrics.url, { personId: people.mia, orgId, role: 'manager' });
    expect((await asMia.get(`/v1/scores/managers/${people.mia}`)).status).toBe(200);
    expect((await asMia.get(`/v1/scores/goals/${goalId}`)).status).toBe(403);
    const stranger = await apiAs(metrics.url, { personId: id(), orgId: id(), role: 'director' });
    expect((await stranger.get(`/v1/scores/goals/${goalId}`)).status).toBe(404);
    expect((await api.get(`/v1/kpis/organisation?from=2026-04-01&to=2026-03-01`)).status).toBe(422);
  });

  it('lets an organisation set its weights and bands with optimistic concurrency, and rescores with them', async () => {
    const current = await api.get('/v1/settings/alignment');
    expect(current.status).toBe(200);
    expect(current.headers.get('etag')).toBe('"0"');
    const body = { ...current.body, weights: { ...current.body.weights, risk: 0.5 } };
    delete body.version;
    expect((await api.put('/v1/settings/alignment', body)).status).toBe(428);
    expect((await api.put('/v1/settings/alignment', body, { 'if-match': '"7"' })).status).toBe(412);
    expect((await api.put('/v1/settings/alignment', { ...body, colour: 'red' }, { 'if-match': '"0"' })).status).toBe(
      400,
    );
    const badBands = await api.put(
      '/v1/settings/alignment',
      { ...body, bands: { onTrack: 40, atRisk: 60 } },
      { 'if-match': '"0"' },
    );
    expect(badBands.status).toBe(422);
    const before = await goalScore();
    const latestPoint = async () =>
      (
        await metrics.dataSource.query(
          `SELECT max(at) AS at, max(id) AS id FROM alignment_score_history WHERE org_id = $1`,
          [orgId],
        )
      )[0] as { at: Date; id: string };
    const latestBefore = await latestPoint();
    const updated = await api.put('/v1/settings/alignment', body, { 'if-match': '"0"' });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe('"1"');
    // The rescoring's points follow the events' (6 March) though the service's clock still says 2 March:
    // stamped earlier, they would hold facts from after their time, and as-of reads would answer with them.
    const [stampedEarlier] = await metrics.dataSource.query(
      `SELECT count(*)::int AS n FROM alignment_score_history WHERE org_id = $1 AND id > $2 AND at < $3`,
      [orgId, latestBefore.id, latestBefore.at],
    );
    expect({ pointsStampedBeforeTheLatest: stampedEarlier.n }).toEqual({ pointsStampedBeforeTheLatest: 0 });
    const after = await goalScore();
    expect(after.components.find((entry: { name: string }) => entry.name === 'risk').weight).toBe(0.5);
    expect(after.score).not.toBe(before.score);
    const asManager = await apiAs(metrics.url, { personId: people.mia, orgId, role: 'manager' });
    expect((await asManager.put('/v1/settings/alignment', body, { 'if-match': '"1"' })).status).toBe(403);
  });

  it('answers a score as it stood at any time, compares two times, and re-weighs a period under another settings version', async () => {
    await settled();
    const history = (await api.get(`/v1/scores/goals/${goalId}/history?limit=200`)).body.items as Array<{
      score: number;
      band: string;
      components: Array<{ name: string; value: number | null; weight: number }>;
      at: string;
      settingsVersion: number;
    }>;
    // The story moved the goal down and up again under the defaults, then the settings test re-weighed it (version 1).
    const underDefaults = history.filter((point) => point.settingsVersion === 0);
    expect(underDefaults.length).toBeGreaterThanOrEqual(3);
    const underVersion1 = history.filter((point) => point.settingsVersion === 1);
    expect(underVersion1.length).toBeGreaterThanOrEqual(1);
    const [first] = history;
    const low = underDefaults.reduce((lowest, point) => (point.score < lowest.score ? point : lowest));
    const lowIndex = history.indexOf(low);
    const beforeLow = history[lowIndex - 1];
    expect(beforeLow.score).not.toBe(low.score);

    // As of a time: the last change at or before it, with its explanation then.
    const atLow = await api.get(`/v1/scores/goals/${goalId}?asOf=${low.at}`);
    expect(atLow.status).toBe(200);
    expect(atLow.body).toMatchObject({
      score: low.score,
      band: low.band,
      components: low.components,
      computedAt: low.at,
      asOf: low.at.slice(0, 10),
      settingsVersion: 0,
      reweighedFromVersion: null,
    });
    expect(atLow.body.drivers.length).toBeGreaterThan(0);
    const justBefore = new Date(Date.parse(low.at) - 1).toISOString();
    expect((await api.get(`/v1/scores/goals/${goalId}?asOf=${justBefore}`)).body.score).toBe(beforeLow.score);
    const beforeAny = await api.get(
      `/v1/scores/goals/${goalId}?asOf=${new Date(Date.parse(first.at) - 1).toISOString()}`,
    );
    expect(beforeAny.status).toBe(404);
    expect(beforeAny.headers.get('content-type')).toContain('application/problem+json');
    expect(beforeAny.body.detail).toContain('had no score yet');
    expect((await api.get(`/v1/scores/goals/${goalId}?asOf=yesterday`)).status).toBe(400);

    // Two times side by side: the change, each component's move, in words.
    const compared = await api.get(`/v1/scores/goals/${goalId}/compare?from=${beforeLow.at}&to=${low.at}`);
    expect(compared.status).toBe(200);
    expect(compared.body.from.score).toBe(beforeLow.score);
    expect(compared.body.to.score).toBe(low.score);
    expect(compared.body.scoreChange).toBeCloseTo(low.score - beforeLow.score, 1);
    expect(compared.body.summary).toMatch(
      new RegExp(`^Fell ${Math.abs(compared.body.scoreChange)} points, ${beforeLow.score} → ${low.score}`),
    );
    const moves = compared.body.components.map((change: { contributionChange: number }) =>
      Math.abs(change.contributionChange),
    );
    expect(moves).toEqual([...moves].sort((a: number, b: number) => b - a));
    expect(moves[0]).toBeGreaterThan(0);
    const backwards = await api.get(`/v1/scores/goals/${goalId}/compare?from=${low.at}&to=${beforeLow.at}`);
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);

    // Re-weighed under version 1 (risk weighs 0.5): the low point as it would have scored, no event re-applied.
    const reweighed = await api.get(`/v1/scores/goals/${goalId}?asOf=${low.at}&settingsVersion=1`);
    expect(reweighed.status).toBe(200);
    expect(reweighed.body).toMatchObject({ settingsVersion: 1, reweighedFromVersion: 0 });
    const weights = Object.fromEntries(
      reweighed.body.components.map((entry: { name: string; weight: number }) => [entry.name, entry.weight]),
    );
    expect(weights).toEqual({ schedule: 0.3, cost: 0.2, outcomes: 0.3, focus: 0.1, risk: 0.5 });
    const applicable = low.components.filter((entry) => entry.value !== null);
    const expected =
      applicable.reduce((sum, entry) => sum + (entry.value as number) * weights[entry.name], 0) /
      applicable.reduce((sum, entry) => sum + weights[entry.name], 0);
    expect(reweighed.body.score).toBeCloseTo(expected, 1);
    expect(reweighed.body.score).not.toBe(low.score);
    // The period under version 1: points scored under it stay as they are, the others are re-weighed.
    const period = (await api.get(`/v1/scores/goals/${goalId}/history?limit=200&settingsVersion=1`)).body.items;
    expect(period.map((point: { at: string }) => point.at)).toEqual(history.map((point) => point.at));
    expect(period.every((point: { settingsVersion: number }) => point.settingsVersion === 1)).toBe(true);
    expect(period[lowIndex].score).toBe(reweighed.body.score);
    for (const point of underVersion1) expect(period[history.indexOf(point)].score).toBe(point.score);
    // And back: today's score under the defaults.
    const today = await api.get(`/v1/scores/goals/${goalId}?settingsVersion=0`);
    expect(today.body).toMatchObject({ settingsVersion: 0, reweighedFromVersion: 1 });
    const unknown = await api.get(`/v1/scores/goals/${goalId}?settingsVersion=9`);
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'settingsVersion' })]);

    // The organisation compares too; a manager compares their own score only.
    const organisation = await api.get(`/v1/scores/organisation/compare?from=${low.at}`);
    expect(organisation.status).toBe(200);
    expect(organisation.body.to.scopeId).toBe(orgId);
    const asMia = await apiAs(metrics.url, { personId: people.mia, orgId, role: 'manager' });
    expect((await asMia.get(`/v1/scores/managers/${people.mia}/compare?from=${low.at}`)).status).toBe(200);
    expect((await asMia.get(`/v1/scores/goals/${goalId}/compare?from=${first.at}`)).status).toBe(403);
  });

  it('answers the KPIs as they stood at any time: only what was recorded by then, the score of then', async () => {
    await settled();
    const mia = (query: string) => api.get(`/v1/kpis/managers/${people.mia}?${query}`);
    // The pilot's last invoice was recorded at 12:00 on 5 March, its completion at 12:01, its defect on the 6th at 09:00.
    const beforeInvoice = (await mia('from=2026-03-01&to=2026-04-01&asOf=2026-03-05T11:59:59Z')).body;
    expect(beforeInvoice).toMatchObject({ spentMinor: 1_500_000, throughput: 0, defects: 0 });
    const betweenInvoiceAndDone = await mia('asOf=2026-03-05T12:00:30Z');
    expect(betweenInvoiceAndDone.status).toBe(200);
    expect(betweenInvoiceAndDone.body).toMatchObject({
      // Without from/to: the 30 days up to the day of asOf.
      from: '2026-02-04',
      to: '2026-03-06',
      spentMinor: 2_500_000,
      throughput: 0,
      costPerCompletedTaskMinor: null,
    });
    // The planned cost then, from the facts the manager's score change kept: the pilot's 40,000.00 alone —
    // the tooling task (5,000.00 more today) came on 6 March.
    expect(betweenInvoiceAndDone.body).toMatchObject({ budgetMinor: 4_000_000, spendAgainstBudget: 0.625 });
    expect((await mia('')).body.budgetMinor).toBe(4_500_000);
    expect((await mia('from=2026-03-01&to=2026-04-01&asOf=2026-03-06T09:00:00Z')).body).toMatchObject({
      throughput: 1,
      costPerCompletedTaskMinor: 1_000_000,
      defects: 1,
      defectRate: 1,
    });
    const beforeWork = await mia('asOf=2026-01-05T10:00:00Z');
    expect(beforeWork.status).toBe(404);
    expect(beforeWork.headers.get('content-type')).toContain('application/problem+json');
    expect(beforeWork.body.detail).toContain('had no work yet');
    const badDate = await mia('asOf=yesterday');
    expect(badDate.status).toBe(400);
    expect(badDate.headers.get('content-type')).toContain('application/problem+json');

    // The directors' figures: the risk was mitigated at 09:00 on 3 March; the score is the organisation's then.
    const organisation = (query: string) => api.get(`/v1/kpis/organisation?from=2026-01-01&to=2026-04-01&${query}`);
    const beforeMitigation = (await organisation('asOf=2026-03-03T08:59:59Z')).body;
    const afterMitigation = (await organisation('asOf=2026-03-03T09:00:00Z')).body;
    expect(beforeMitigation).toMatchObject({ risksMitigated: 0, riskManagementEffectiveness: null, throughput: 0 });
    expect(afterMitigation).toMatchObject({
      risksMitigated: 1,
      riskManagementEffectiveness: 1,
      spentMinor: 1_500_000,
      // The launch's budget alone: the second goal (10,000.00) came later.
      goalBudgetMinor: 10_000_000,
      budgetConsumption: 0.15,
    });
    const scoreThen = (await api.get('/v1/scores/organisation?asOf=2026-03-03T09:00:00Z')).body;
    expect(afterMitigation.alignmentScore).toBe(scoreThen.score);
    expect(afterMitigation.keyResultAttainment).toBe(
      scoreThen.components.find((entry: { name: string }) => entry.name === 'outcomes').value,
    );
    // Today's figures answer the current score and attainment the same way.
    const today = (await organisation('')).body;
    const scoreNow = (await api.get('/v1/scores/organisation')).body;
    expect(today.alignmentScore).toBe(scoreNow.score);
    expect(today.keyResultAttainment).toBe(
      scoreNow.components.find((entry: { name: string }) => entry.name === 'outcomes').value,
    );
    const [firstScore] = (await api.get('/v1/scores/organisation/history?limit=1')).body.items;
    const beforeFirstScore = await organisation(`asOf=${new Date(Date.parse(firstScore.at) - 1).toISOString()}`);
    expect(beforeFirstScore.status).toBe(404);
    expect(beforeFirstScore.body.detail).toContain('had no score yet');

    // A history as of a time: every point counts only what was recorded by then.
    const history = (asOf: string) =>
      api.get(`/v1/kpis/organisation/history?from=2026-01-01&to=2026-04-01&interval=month&asOf=${asOf}`);
    const throughputs = (points: Array<{ from: string; throughput: number }>) =>
      points.map((point) => [point.from, point.throughput]);
    expect(throughputs((await history('2026-03-05T12:00:30Z')).body.points)).toEqual([
      ['2026-01-01', 0],
      ['2026-02-01', 0],
      ['2026-03-01', 0],
    ]);
    expect(throughputs((await history('2026-03-05T12:01:00Z')).body.points)).toEqual([
      ['2026-01-01', 0],
      ['2026-02-01', 0],
      ['2026-03-01', 1],
    ]);
    const managerHistory = await api.get(
      `/v1/kpis/managers/${people.mia}/history?interval=week&asOf=2026-03-05T12:00:30Z`,
    );
    expect(managerHistory.status).toBe(200);
    // Without from: the 180 days up to the day of asOf.
    expect(managerHistory.body.points.at(-1).to).toBe('2026-03-06');
  });

  it('renames a task in the explanations that name it at once, without a new history point', async () => {
    await settled();
    const score = await goalScore();
    const driver = score.drivers.find((entry: { kind: string }) => entry.kind === 'task');
    expect(driver).toBeDefined();
    const [row] = await metrics.dataSource.query(
      `SELECT goal_id, manager_id, weight_milli, to_char(due_date, 'YYYY-MM-DD') AS due_date, planned_cost_minor,
              greatest(details_version, status_version, progress_version) AS version FROM task_rm WHERE task_id = $1`,
      [driver.id],
    );
    const [{ points }] = await metrics.dataSource.query(
      `SELECT count(*)::int AS points FROM alignment_score_history WHERE scope = 'goal' AND scope_id = $1`,
      [goalId],
    );
    const title = `${driver.name} (renamed)`;
    await feed.publish(
      TaskUpdatedV1,
      {
        taskId: driver.id,
        goalId: row.goal_id,
        managerId: row.manager_id,
        title,
        dueDate: row.due_date,
        weight: Number(row.weight_milli) / 1000,
        currency: 'EUR',
        plannedCostMinor: Number(row.planned_cost_minor),
        cause: 'deliverable.changed',
        updatedAt: '2026-03-06T12:00:00.000Z',
        taskVersion: Number(row.version) + 1,
      },
      '2026-03-06T12:00:00.000Z',
    );
    const renamed = await scoreUntil(
      goalId,
      (next) =>
        next.drivers.some((entry: { id: string; name: string }) => entry.id === driver.id && entry.name === title),
      'the goal explanation to name the renamed task',
    );
    expect(renamed.score).toBe(score.score);
    const [after] = await metrics.dataSource.query(
      `SELECT count(*)::int AS points FROM alignment_score_history WHERE scope = 'goal' AND scope_id = $1`,
      [goalId],
    );
    expect(after.points).toBe(points);
    // Every stored explanation naming the task has the new name (the organisation's and the manager's too).
    const stale = await metrics.dataSource.query(
      `SELECT scope FROM alignment_score, jsonb_array_elements(drivers) d WHERE d->>'id' = $1 AND d->>'name' <> $2`,
      [driver.id, title],
    );
    expect(stale).toEqual([]);
  });

  it('exports scores, score history and KPIs as CSV and XLSX, holding what each reader may see', async () => {
    const listed = [
      (await api.get('/v1/scores/organisation')).body,
      ...(await api.get('/v1/scores/org-units?limit=200')).body.items,
      ...(await api.get('/v1/scores/managers?limit=200')).body.items,
      ...(await api.get('/v1/scores/goals?limit=200')).body.items,
    ];
    const csv = await api.get('/v1/exports/scores?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="throughline-scores.csv"');
    const rows = Papa.parse<Record<string, string>>(String(csv.body).replace(/^\uFEFF/, ''), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows.map((row) => [row.id, Number(row.score), row.band]).sort()).toEqual(
      listed.map((view: any) => [view.scopeId, view.score, view.band]).sort(),
    );
    const goalRow = rows.find((row) => row.id === goalId)!;
    const goalView = listed.find((view: any) => view.scopeId === goalId);
    for (const component of goalView.components)
      expect(goalRow[`${component.name} (0–100)`]).toBe(component.value === null ? '' : String(component.value));

    // XLSX holds the same rows; a manager's sheet holds their own score only.
    const xlsx = await fetch(`${metrics.url}/v1/exports/scores?format=xlsx`, {
      headers: { authorization: `Bearer ${await mintDevToken(director)}` },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect(workbook.worksheets[0].actualRowCount).toBe(rows.length + 1);
    const asMia = await apiAs(metrics.url, { personId: people.mia, orgId, role: 'manager' });
    const own = Papa.parse<Record<string, string>>(
      String((await asMia.get('/v1/exports/scores')).body).replace(/^\uFEFF/, ''),
      {
        header: true,
        skipEmptyLines: true,
      },
    ).data;
    expect(own.map((row) => row.id)).toEqual([people.mia]);
    expect((await asMia.get(`/v1/exports/score-history?scope=goal&id=${goalId}`)).status).toBe(403);

    const history = (await api.get(`/v1/scores/goals/${goalId}/history?limit=200`)).body;
    const historyCsv = await api.get(`/v1/exports/score-history?scope=goal&id=${goalId}&format=csv`);
    const points = Papa.parse<Record<string, string>>(String(historyCsv.body).replace(/^\uFEFF/, ''), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(points.map((point) => Number(point.score))).toEqual(history.items.map((item: any) => item.score));
    expect((await api.get('/v1/exports/score-history?scope=goal')).status).toBe(422);

    const kpis = (await api.get('/v1/kpis/organisation/history?interval=week')).body.points;
    const kpiCsv = await api.get('/v1/exports/kpis?interval=week');
    const kpiRows = Papa.parse<Record<string, string>>(String(kpiCsv.body).replace(/^\uFEFF/, ''), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(kpiRows.map((row) => [row.from, Number(row.spentMinor)])).toEqual(
      kpis.map((point: any) => [point.from, point.spentMinor]),
    );
  });

  it('rebuilds every read model from a replay of all topics beside the running service and gets identical scores, drivers and their names', async () => {
    await settled();
    const before = await snapshot();
    // Two goals, two managers, three org units, the organisation.
    expect(before).toHaveLength(8);
    const clockNow = (metrics.app.get(CLOCK) as ManualClock).now().toISOString();
    const rebuildEnv = testServiceEnv({
      tag,
      database: metricsDatabase,
      env: { ...env, METRICS_CLOCK_START: clockNow },
    });
    // Started twice at once (a Job created twice): one rebuilds, the other is refused and leaves it alone.
    const [first, second] = await withEnv(rebuildEnv, () =>
      Promise.allSettled([
        rebuildReadModels(process.env, { log: () => undefined }),
        rebuildReadModels(process.env, { log: () => undefined }),
      ]),
    );
    const refused = [first, second].filter((outcome) => outcome.status === 'rejected');
    expect(refused.map((outcome) => String((outcome as PromiseRejectedResult).reason))).toEqual([
      expect.stringMatching(/Another rebuild of the schema .* is running/),
    ]);
    const report = ((first.status === 'fulfilled' ? first : second) as PromiseFulfilledResult<RebuildReport>).value;
    expect(report.eventsApplied).toBe(feed.distinctEvents);
    expect(report.duplicates).toBe(1);
    // The running service now reads the rebuilt schema.
    expect(await snapshot()).toEqual(before);

    // The service resumes after the replay: the next event is applied once, on top of the rebuilt state.
    const campaignBefore = await goalScore();
    await feed.publish(
      TaskProgressReportedV1,
      {
        taskId: tasks.campaign,
        goalId,
        managerId: people.max,
        progress: 80,
        note: null,
        reportedBy: people.max,
        reportedAt: '2026-03-07T09:00:00.000Z',
        taskVersion: 3,
      },
      '2026-03-07T09:00:00.000Z',
    );
    await scoreUntil(
      goalId,
      (score) => score.score > campaignBefore.score,
      'the campaign progress to raise the goal score',
    );
    const [{ n }] = await metrics.dataSource.query(`SELECT count(*)::int AS n FROM inbox_event`);
    expect(n).toBe(feed.distinctEvents);
  });
});
