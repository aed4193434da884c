import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeliverableAddedV1,
  exampleKeyResult,
  exampleRisk,
  GoalActivatedV1,
  KeyResultAddedV1,
  OrganisationCreatedV1,
  OrgUnitCreatedV1,
  PersonCreatedV1,
  RiskRaisedV1,
  TaskCostRecordedV1,
  TaskCreatedV1,
  TaskProgressReportedV1,
  TaskStatusChangedV1,
  TaskUpdatedV1,
} from '@throughline/contracts';
import { Actor } from '@throughline/service-kit';
import { apiAs, ApiClient, EventFeed, startTestService, TestService, uniqueTag, waitFor } from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { metricsDatabase } from '../src/database/metrics-database';

const id = () => randomUUID();

/**
 * What-if simulations over the real broker and database: the worked example of docs/alignment.md
 * ("What-if simulations"), the projection checked against what the same changes really do once
 * their events arrive, nothing stored or published meanwhile, the same answer twice, and every
 * kind of bad input refused naming the change at fault.
 */
describe('metrics: what-if simulations', () => {
  const tag = uniqueTag();
  const orgId = id();
  const units = { product: id(), manufacturing: id() };
  const people = { dana: id(), mia: id() };
  const goalId = id();
  const tasks = { suppliers: id(), pilot: id() };
  const riskId = id();
  let metrics: TestService;
  let feed: EventFeed;
  let director: ApiClient;
  let mia: ApiClient;

  const at = (day: string, minute = 0) => `2026-${day}T09:${String(minute).padStart(2, '0')}:00.000Z`;
  const settled = () =>
    waitFor(
      async () => {
        const [row] = await metrics.dataSource.query(`SELECT count(*)::int AS n FROM inbox_event`);
        return row.n >= feed.distinctEvents;
      },
      { what: `metrics to apply ${feed.distinctEvents} events` },
    );
  /** Everything a simulation could leave behind if it leaked: stored scores, history, alerts, outbox, facts. */
  const footprint = async () =>
    metrics.dataSource.query(
      `SELECT (SELECT json_agg(s ORDER BY scope, scope_id) FROM alignment_score s) AS scores,
              (SELECT count(*)::int FROM alignment_score_history) AS history,
              (SELECT json_agg(a ORDER BY kind, subject_id) FROM open_alert a) AS alerts,
              (SELECT count(*)::int FROM outbox_event) AS outbox,
              (SELECT json_agg(f ORDER BY scope, scope_id) FROM scope_facts f) AS facts,
              (SELECT json_agg(t ORDER BY task_id) FROM task_rm t) AS tasks`,
    );
  const simulate = (changes: unknown, as: ApiClient = director) => as.post('/v1/simulations', { changes });

  beforeAll(async () => {
    metrics = await startTestService(AppModule, {
      tag,
      database: metricsDatabase,
      env: { METRICS_CLOCK: 'manual', METRICS_TIME_PASS_INTERVAL_MS: '0' },
    });
    const as = (personId: string, role: Actor['role']) => apiAs(metrics.url, { personId, orgId, role });
    director = await as(people.dana, 'director');
    mia = await as(people.mia, 'manager');
    feed = await EventFeed.start(tag, orgId);

    await feed.publish(
      OrganisationCreatedV1,
      { organisationId: orgId, name: 'Acme Devices', createdAt: at('01-02') },
      at('01-02'),
    );
    await feed.publish(
      OrgUnitCreatedV1,
      { orgUnitId: units.product, name: 'Product', parentOrgUnitId: null, version: 1 },
      at('01-02', 1),
    );
    await feed.publish(
      OrgUnitCreatedV1,
      { orgUnitId: units.manufacturing, name: 'Manufacturing', parentOrgUnitId: units.product, version: 1 },
      at('01-02', 2),
    );
    for (const [minute, personId, name, role, orgUnitId, reportsToId] of [
      [3, people.dana, 'Dana', 'director', units.product, null],
      [4, people.mia, 'Mia', 'manager', units.manufacturing, people.dana],
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
    await feed.publish(
      GoalActivatedV1,
      {
        goalId,
        parentGoalId: null,
        orgUnitId: units.manufacturing,
        ownerId: people.dana,
        title: 'Launch the X200',
        periodStart: '2026-01-01',
        periodEnd: '2026-06-30',
        weight: 1,
        currency: 'EUR',
        budgetMinor: 6_000_000,
        deliverables: [],
        activatedAt: at('01-05'),
      },
      at('01-05'),
    );
    const task = (taskId: string, title: string, dueDate: string, weight: number, plannedCostMinor: number) =>
      feed.publish(
        TaskCreatedV1,
        {
          taskId,
          goalId,
          deliverableId: null,
          managerId: people.mia,
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
    await task(tasks.suppliers, 'Casing supplier contracts', '2026-01-31', 1, 1_500_000);
    await task(tasks.pilot, 'Pilot production run', '2026-02-27', 2, 4_000_000);
    await feed.publish(
      RiskRaisedV1,
      {
        ...exampleRisk,
        riskId,
        goalId,
        title: 'Defect rate stays high',
        likelihood: 3,
        impact: 5,
        ownerId: people.mia,
        mitigation: null,
        status: 'open',
        version: 1,
      },
      at('01-06'),
    );
    const cost = (taskId: string, amountMinor: number, minute: number) =>
      feed.publish(
        TaskCostRecordedV1,
        {
          taskId,
          goalId,
          managerId: people.mia,
          entryId: id(),
          amountMinor,
          currency: 'EUR',
          description: 'Booked',
          incurredOn: '2026-02-09',
          recordedBy: people.mia,
          recordedAt: at('02-10', minute),
        },
        at('02-10', minute),
      );
    await feed.publish(
      TaskStatusChangedV1,
      {
        taskId: tasks.suppliers,
        goalId,
        managerId: people.mia,
        from: 'todo',
        to: 'done',
        reason: null,
        progress: 100,
        changedBy: people.mia,
        changedAt: at('01-30'),
        taskVersion: 2,
      },
      at('01-30'),
    );
    await cost(tasks.suppliers, 1_430_000, 0);
    await feed.publish(
      TaskProgressReportedV1,
      {
        taskId: tasks.pilot,
        goalId,
        managerId: people.mia,
        progress: 50,
        note: null,
        reportedBy: people.mia,
        reportedAt: at('02-10', 1),
        taskVersion: 2,
      },
      at('02-10', 1),
    );
    await cost(tasks.pilot, 3_000_000, 2);
    await settled();
  }, 120_000);
  afterAll(async () => {
    await feed?.stop();
    await metrics?.stop();
  });

  const pilotSlipsAndSuppliersOverrun = [
    { kind: 'slip', taskId: tasks.pilot, days: 21 },
    { kind: 'cost', taskId: tasks.suppliers, percent: 20 },
  ];

  it('answers every affected scope today beside its projection, stores and publishes nothing, and answers the same twice', async () => {
    const before = await footprint();
    const response = await simulate(pilotSlipsAndSuppliersOverrun);
    expect(response.status).toBe(200);
    const simulation = response.body;
    expect(simulation.asOf).toBe('2026-02-10');
    expect(simulation.changes).toEqual([
      { index: 0, kind: 'slip', effect: '"Pilot production run" due 2026-02-27 → 2026-03-20' },
      { index: 1, kind: 'cost', effect: '"Casing supplier contracts" cost 14,300.00 → 17,160.00' },
    ]);
    expect(simulation.scopes.map((scope: { scope: string; scopeId: string }) => [scope.scope, scope.scopeId])).toEqual([
      ['goal', goalId],
      ['manager', people.mia],
      ...[units.manufacturing, units.product].sort().map((unit) => ['org_unit', unit]),
      ['organisation', orgId],
    ]);

    // Today is what the score and forecast endpoints answer.
    const goal = simulation.scopes[0];
    const live = (await director.get(`/v1/scores/goals/${goalId}`)).body;
    const {
      scope: _s,
      scopeId: _i,
      name: _n,
      asOf: _a,
      currency: _c,
      ...liveForecast
    } = (await director.get(`/v1/scores/goals/${goalId}/forecast`)).body;
    expect(goal.today).toMatchObject({
      score: live.score,
      band: live.band,
      components: live.components,
      drivers: live.drivers,
    });
    expect(goal.today.forecast).toEqual(liveForecast);
    expect(goal.today.alerts.map((alert: { kind: string }) => alert.kind)).toEqual([
      'goal_forecast_overrun',
      'unmitigated_risk',
    ]);

    // The worked example (docs/alignment.md): on 10 February the pilot (weight 2, 40,000.00, due 27 February,
    // created 5 January: 54 days) has reached 2 of its 4 quarter steps, PV 100,000 of 200,000, half done: EV 100,000;
    // the suppliers (weight 1, done) PV = EV = 100,000. Slipping the pilot to 20 March (75 days) leaves it at
    // ⌊36 × 4 / 75⌋ = 1 step: PV 50,000, EV capped 50,000 — SPI 1 either way. Cost: EV 15,000 + 20,000 = 35,000;
    // AC 14,300 + 30,000 = 44,300 → 17,160 + 30,000 = 47,160: CPI 0.79 → 0.742, EAC 44,300 + 20,000 / 0.79 = 69,614
    // → 47,160 + 20,000 × 47,160 / 35,000 = 74,109 (both over the 60,000.00 budget).
    expect(goal.today.forecast.cost).toMatchObject({ costPerformanceIndex: 0.79, estimateAtCompletion: 6_961_429 });
    expect(goal.projected.forecast.cost).toMatchObject({
      costPerformanceIndex: 0.742,
      estimateAtCompletion: 7_410_857,
    });
    expect(goal.difference).toMatchObject({
      costPerformanceIndex: -0.048,
      estimateAtCompletion: 449_428,
      varianceAtCompletion: -449_428,
      schedulePerformanceIndex: 0,
      slipDays: 0,
      alertsRaised: [],
      alertsCleared: [],
    });
    const costOf = (state: { components: Array<{ name: string; value: number }> }) =>
      state.components.find((component) => component.name === 'cost')!.value;
    expect(costOf(goal.projected)).toBeLessThan(costOf(goal.today));
    expect(goal.difference.score).toBe(Math.round((goal.projected.score - goal.today.score) * 10) / 10);

    // docs/alignment.md shows this answer's changes and the goal's figures.
    const block = /<!-- simulation-worked-example -->\s*```json\n([\s\S]*?)```/.exec(
      readFileSync(join(__dirname, '../../../docs/alignment.md'), 'utf8'),
    );
    const figures = (state: typeof goal.today) => ({
      score: state.score,
      band: state.band,
      costPerformanceIndex: state.forecast.cost.costPerformanceIndex,
      estimateAtCompletion: state.forecast.cost.estimateAtCompletion,
    });
    const { alertsRaised: _raised, alertsCleared: _cleared, ...difference } = goal.difference;
    const shown = {
      changes: simulation.changes,
      goal: { today: figures(goal.today), projected: figures(goal.projected), difference },
    };
    expect(block && JSON.parse(block[1])).toEqual(shown);

    // Nothing stored, nothing in the outbox (so nothing published), and the same answer again.
    expect(await footprint()).toEqual(before);
    expect((await simulate(pilotSlipsAndSuppliersOverrun)).body).toEqual(simulation);
  });

  it('projects what the same changes really do once their events arrive', async () => {
    const projection = (await simulate(pilotSlipsAndSuppliersOverrun)).body;
    await feed.publish(
      TaskUpdatedV1,
      {
        taskId: tasks.pilot,
        goalId,
        managerId: people.mia,
        title: 'Pilot production run',
        dueDate: '2026-03-20',
        weight: 2,
        currency: 'EUR',
        plannedCostMinor: 4_000_000,
        cause: 'deliverable.changed',
        updatedAt: at('02-10', 5),
        taskVersion: 3,
      },
      at('02-10', 5),
    );
    await feed.publish(
      TaskCostRecordedV1,
      {
        taskId: tasks.suppliers,
        goalId,
        managerId: people.mia,
        entryId: id(),
        amountMinor: 286_000,
        currency: 'EUR',
        description: 'Supplier contracts 20 % over',
        incurredOn: '2026-02-10',
        recordedBy: people.mia,
        recordedAt: at('02-10', 6),
      },
      at('02-10', 6),
    );
    await settled();
    const paths: Record<string, string> = { goal: 'goals', manager: 'managers', org_unit: 'org-units' };
    for (const scope of projection.scopes) {
      const path = scope.scope === 'organisation' ? 'organisation' : `${paths[scope.scope]}/${scope.scopeId}`;
      const score = (await director.get(`/v1/scores/${path}`)).body;
      const { cost, schedule } = (await director.get(`/v1/scores/${path}/forecast`)).body;
      const { forecast, alerts: _alerts, ...projected } = scope.projected;
      expect([
        scope.scopeId,
        { score: score.score, band: score.band, components: score.components, drivers: score.drivers },
      ]).toEqual([scope.scopeId, projected]);
      expect({ cost, schedule }).toEqual(forecast);
    }
  });

  it('mitigates a risk, reaches a budget, and re-weights every scope, each through the live rules', async () => {
    const mitigated = (
      await simulate([
        { kind: 'risk', riskId, to: 'mitigated' },
        { kind: 'budget', goalId, budgetMinor: 8_000_000 },
      ])
    ).body;
    const goal = mitigated.scopes.find((scope: { scope: string }) => scope.scope === 'goal');
    expect(mitigated.changes.map((change: { effect: string }) => change.effect)).toEqual([
      'risk "Defect rate stays high": open → mitigated',
      'goal "Launch the X200": budget 60,000.00 → 80,000.00',
    ]);
    expect(
      goal.difference.alertsCleared.map((alert: { kind: string; subjectId: string }) => [alert.kind, alert.subjectId]),
    ).toEqual([
      // Within 80,000.00 the forecast no longer overruns.
      ['goal_forecast_overrun', goalId],
      ['unmitigated_risk', riskId],
    ]);
    expect(goal.projected.components.find((component: { name: string }) => component.name === 'risk').value).toBe(100);
    expect(goal.projected.forecast.cost.budget).toBe(8_000_000);
    expect(goal.difference.varianceAtCompletion).toBe(2_000_000);

    const reweighted = (
      await simulate([{ kind: 'weights', weights: { schedule: 0, cost: 1, outcomes: 0, focus: 0, risk: 0 } }])
    ).body;
    const scored = await metrics.dataSource.query(`SELECT count(*)::int AS n FROM alignment_score WHERE org_id = $1`, [
      orgId,
    ]);
    expect(reweighted.scopes).toHaveLength(scored[0].n);
    const reweightedGoal = reweighted.scopes.find((scope: { scope: string }) => scope.scope === 'goal');
    expect(reweightedGoal.projected.score).toBe(
      reweightedGoal.projected.components.find((component: { name: string }) => component.name === 'cost').value,
    );
  });

  it('refuses bad input naming the change at fault, as problem+json, and lets only directors simulate', async () => {
    const refused = async (changes: unknown, status: number, field: string, as: ApiClient = director) => {
      const response = await simulate(changes, as);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      return response.body;
    };
    const before = await footprint();
    await refused(
      [
        { kind: 'slip', taskId: tasks.pilot, days: 1 },
        { kind: 'slip', taskId: tasks.pilot },
      ],
      400,
      'changes[1].days',
    );
    await refused([{ kind: 'cost', taskId: tasks.pilot, percent: 5, amountMinor: 3 }], 400, 'changes[0]');
    await refused([{ kind: 'teleport', taskId: tasks.pilot }], 400, 'changes[0].kind');
    await refused([{ kind: 'slip', taskId: tasks.pilot, days: 1, note: 'x' }], 400, 'changes[0].note');
    await refused(Array(51).fill({ kind: 'slip', taskId: tasks.pilot, days: 1 }), 400, 'changes');
    await refused([], 400, 'changes');
    await refused(
      [
        { kind: 'slip', taskId: tasks.pilot, days: 1 },
        { kind: 'slip', taskId: id(), days: 1 },
      ],
      404,
      'changes[1].taskId',
    );
    await refused([{ kind: 'risk', riskId: id(), to: 'mitigated' }], 404, 'changes[0].riskId');
    // Created on 5 January: 80 days back from 20 March is before it.
    const early = await refused([{ kind: 'slip', taskId: tasks.pilot, days: -80 }], 422, 'changes[0].days');
    expect(early.detail).toContain('before its start on 2026-01-05');
    await refused([{ kind: 'cost', taskId: tasks.pilot, amountMinor: -99_000_000 }], 422, 'changes[0].amountMinor');
    const manager = await simulate(pilotSlipsAndSuppliersOverrun, mia);
    expect(manager.status).toBe(403);
    expect(manager.headers.get('content-type')).toContain('application/problem+json');
    expect(await footprint()).toEqual(before);
  });
  it('slips and costs a deliverable through its tasks, reaches a key result, and answers 503 while the organisation is busy', async () => {
    const deliverableId = id();
    const keyResultId = id();
    const parts = [
      { taskId: id(), title: 'Inspection camera', plannedCostMinor: 600_000 },
      { taskId: id(), title: 'Inspection software', plannedCostMinor: 400_000 },
    ];
    await feed.publish(
      DeliverableAddedV1,
      {
        goalId,
        goalStatus: 'active',
        currency: 'EUR',
        deliverable: {
          deliverableId,
          title: 'Quality inspection line',
          managerId: people.mia,
          dueDate: '2026-04-30',
          weight: 1,
          budgetMinor: 1_000_000,
        },
      },
      at('02-10', 10),
    );
    for (const part of parts)
      await feed.publish(
        TaskCreatedV1,
        {
          taskId: part.taskId,
          goalId,
          deliverableId,
          managerId: people.mia,
          title: part.title,
          status: 'todo',
          dueDate: '2026-04-30',
          weight: 1,
          currency: 'EUR',
          plannedCostMinor: part.plannedCostMinor,
          origin: 'deliverable',
          createdAt: at('01-05', 20),
        },
        at('02-10', 11),
      );
    await feed.publish(KeyResultAddedV1, { ...exampleKeyResult, keyResultId, goalId }, at('02-10', 12));
    await settled();

    const response = await simulate([
      { kind: 'slip', deliverableId, days: 7 },
      { kind: 'cost', deliverableId, amountMinor: 100_001 },
      { kind: 'key_result', keyResultId, value: 40 },
    ]);
    expect(response.status).toBe(200);
    const inTaskOrder = [...parts].sort((a, b) => a.taskId.localeCompare(b.taskId));
    // 1,000.01 shared by planned cost 600 : 400 — 600.006 and 400.004: the odd minor unit goes to the larger remainder.
    const share = (part: (typeof parts)[number]) => (part.plannedCostMinor === 600_000 ? '600.01' : '400.00');
    expect(response.body.changes.map((change: { effect: string }) => change.effect)).toEqual([
      inTaskOrder.map((part) => `"${part.title}" due 2026-04-30 → 2026-05-07`).join('; '),
      inTaskOrder.map((part) => `"${part.title}" cost 0.00 → ${share(part)}`).join('; '),
      'key result "Cost per unit" measured at 40 EUR',
    ]);
    // Cost per unit from 52 (no measurement yet) to its target 40: outcomes from nothing to all of it.
    const goal = response.body.scopes.find((scope: { scopeId: string }) => scope.scopeId === goalId);
    expect(goal.difference.components.find((component: { name: string }) => component.name === 'outcomes')).toEqual({
      name: 'outcomes',
      value: 100,
      contribution: expect.any(Number),
    });
    expect(goal.projected.forecast.cost.actualCost - goal.today.forecast.cost.actualCost).toBe(100_001);

    // Another writer holds the organisation's scoring lock: the simulation waits 2 s, then says so.
    const blocker = metrics.dataSource.createQueryRunner();
    await blocker.connect();
    try {
      await blocker.startTransaction();
      await blocker.query(`SELECT 1 FROM org_state WHERE org_id = $1 FOR UPDATE`, [orgId]);
      const busy = await simulate([{ kind: 'budget', goalId, budgetMinor: 1 }]);
      expect(busy.status).toBe(503);
      expect(busy.headers.get('content-type')).toContain('application/problem+json');
      expect(busy.body.detail).toContain('run the simulation again in a moment');
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    expect((await simulate([{ kind: 'budget', goalId, budgetMinor: 1 }])).status).toBe(200);
  });

  it('shares a goal out over other goals as the contribution graph would, and refuses a loop naming the change at fault', async () => {
    const child = id();
    const other = id();
    for (const [minute, goal, title, parentGoalId] of [
      [30, child, 'Tooling', goalId],
      [31, other, 'Win retail partners', null],
    ] as const)
      await feed.publish(
        GoalActivatedV1,
        {
          goalId: goal,
          parentGoalId,
          orgUnitId: units.manufacturing,
          ownerId: people.dana,
          title,
          periodStart: '2026-01-01',
          periodEnd: '2026-06-30',
          weight: 1,
          currency: 'EUR',
          budgetMinor: 1_000_000,
          deliverables: [],
          activatedAt: at('02-10', minute),
        },
        at('02-10', minute),
      );
    await settled();
    const before = await footprint();
    const launch = (await director.get(`/v1/scores/goals/${goalId}/forecast`)).body;

    const response = await simulate([
      {
        kind: 'contributions',
        goalId,
        contributesTo: [{ goalId: other, weightPercent: 100 }],
      },
    ]);
    expect(response.status).toBe(200);
    expect(response.body.changes[0].effect).toBe('goal "Launch the X200" contributes 100 % to "Win retail partners"');
    // The other goal would carry the whole launch (its sub-goal included) beside its own budget.
    const projectedOther = response.body.scopes.find((scope: { scopeId: string }) => scope.scopeId === other);
    expect(projectedOther.today.forecast.cost.budget).toBe(1_000_000);
    expect(projectedOther.projected.forecast.cost.budget).toBe(1_000_000 + launch.cost.budget);

    const refused = async (changes: unknown, status: number, field: string) => {
      const answer = await simulate(changes);
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      return answer.body;
    };
    const loop = await refused(
      [{ kind: 'contributions', goalId, contributesTo: [{ goalId: child, weightPercent: 100 }] }],
      422,
      'changes[0].contributesTo[0].goalId',
    );
    expect(loop.detail).toContain('would make a cycle');
    await refused(
      [{ kind: 'contributions', goalId: child, contributesTo: [{ goalId: other, weightPercent: 100 }] }],
      422,
      'changes[0].contributesTo',
    );
    await refused(
      [
        {
          kind: 'contributions',
          goalId,
          contributesTo: [
            { goalId: other, weightPercent: 50 },
            { goalId: child, weightPercent: 30 },
          ],
        },
      ],
      400,
      'changes[0].contributesTo',
    );
    await refused(
      [{ kind: 'contributions', goalId, contributesTo: [{ goalId: id(), weightPercent: 100 }] }],
      404,
      'changes[0].contributesTo[0].goalId',
    );
    expect(await footprint()).toEqual(before);
  });
});
