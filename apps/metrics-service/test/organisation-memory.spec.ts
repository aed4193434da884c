import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  CloudEvent,
  createEvent,
  EventDefinition,
  GoalActivatedV1,
  KeyResultAddedV1,
  KeyResultCheckedInV1,
  RiskRaisedV1,
  RiskUpdatedV1,
  TaskCostRecordedV1,
  TaskCreatedV1,
  TaskProgressReportedV1,
  TaskStatusChangedV1,
} from '@throughline/contracts';
import { applyEventsOnce, HandlerFailure } from '@throughline/messaging';
import { uniqueTag } from '@throughline/testing';
import { OrganisationMemories } from '../src/scoring/organisation-memory';
import { ScoringEngine } from '../src/scoring/scoring-engine.service';
import { MetricsHandlers, metricsHandlersIn } from './metrics-handlers';

/**
 * The owner of an organisation keeps its tasks, chains and scopes in memory between batches. The
 * scores must not tell: batches applied with memory — across a second owner writing in between
 * (a rebalance), a time pass, and a batch that rolled back half-way — leave exactly what the same
 * batches leave applied without memory (`METRICS_MEMORY_MAX_ENTRIES=0`, everything read per batch).
 */
describe('metrics: an organisation held in memory between batches', () => {
  const tag = uniqueTag();
  const schemas: string[] = [];
  const handlers: MetricsHandlers[] = [];

  async function metricsIn(suffix: string, maxEntries: number): Promise<MetricsHandlers> {
    const schema = `m_${tag}_${suffix}`;
    schemas.push(schema);
    const metrics = await metricsHandlersIn(schema, { METRICS_MEMORY_MAX_ENTRIES: maxEntries });
    handlers.push(metrics);
    return metrics;
  }

  afterAll(async () => {
    for (const { context } of handlers) await context.close();
    const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  /** An organisation of one goal (a key result, a high risk), two managers and four tasks, and reports on them in batches. */
  function organisation() {
    const orgId = randomUUID();
    const goalId = randomUUID();
    const managers = [randomUUID(), randomUUID()];
    const tasks = [0, 1, 2, 3].map((index) => ({ taskId: randomUUID(), goalId, managerId: managers[index % 2] }));
    let minute = 0;
    const event = <T extends EventDefinition>(definition: T, data: T['example'], org = orgId): CloudEvent => ({
      ...createEvent(definition, data, { source: '/test', orgId: org, correlationId: 'memory' }).envelope,
      time: new Date(Date.UTC(2026, 1, 2, 9, minute++)).toISOString(),
    });
    const versions = new Map<string, number>();
    const progress = (task: (typeof tasks)[number], value: number) => {
      const taskVersion = (versions.get(task.taskId) ?? 2) + 1;
      versions.set(task.taskId, taskVersion);
      return event(TaskProgressReportedV1, {
        ...TaskProgressReportedV1.example,
        ...task,
        progress: value,
        taskVersion,
      });
    };
    const keyResultId = randomUUID();
    const risk = { ...RiskRaisedV1.example, riskId: randomUUID(), goalId, likelihood: 4, impact: 5 };
    const checkIn = (value: number, measuredOn: string) =>
      event(KeyResultCheckedInV1, {
        ...KeyResultCheckedInV1.example,
        checkInId: randomUUID(),
        keyResultId,
        goalId,
        managerId: managers[0],
        value,
        measuredOn,
      });
    const setup = [
      event(GoalActivatedV1, {
        ...GoalActivatedV1.example,
        goalId,
        parentGoalId: null,
        orgUnitId: randomUUID(),
        budgetMinor: 5_000_000,
        periodStart: '2026-01-01',
        periodEnd: '2026-06-30',
      }),
      ...tasks.map((task, index) =>
        event(TaskCreatedV1, {
          ...TaskCreatedV1.example,
          ...task,
          title: `Task ${index}`,
          plannedCostMinor: 1_000_000,
          dueDate: '2026-03-31',
        }),
      ),
      event(KeyResultAddedV1, { ...KeyResultAddedV1.example, keyResultId, goalId }),
      event(RiskRaisedV1, risk),
      ...tasks.map((task) =>
        event(TaskStatusChangedV1, { ...TaskStatusChangedV1.example, ...task, to: 'in_progress', taskVersion: 2 }),
      ),
    ];
    const cost = (task: (typeof tasks)[number], amountMinor: number) =>
      event(TaskCostRecordedV1, { ...TaskCostRecordedV1.example, ...task, entryId: randomUUID(), amountMinor });
    // Every batch reports on tasks the batches before it changed: memory that missed a write shows.
    // Key results and risks move too: a check-in, and a mitigation from strategy, between reports.
    const batches = [
      [progress(tasks[0], 10), progress(tasks[1], 20), cost(tasks[0], 300_000), checkIn(50, '2026-02-01')],
      [progress(tasks[0], 30), progress(tasks[2], 15), progress(tasks[1], 25)],
      [progress(tasks[1], 60), cost(tasks[1], 1_400_000), checkIn(44, '2026-02-02'), progress(tasks[3], 5)],
      [
        progress(tasks[0], 55),
        event(RiskUpdatedV1, { ...risk, mitigation: 'A second supplier', version: 2 }),
        progress(tasks[3], 35),
        cost(tasks[2], 200_000),
      ],
      // The mitigation dropped again: the risk's alert, closed by the batch before, opens again.
      [
        progress(tasks[2], 80),
        event(RiskUpdatedV1, { ...risk, mitigation: null, version: 3 }),
        progress(tasks[0], 90),
        progress(tasks[1], 100),
      ],
    ];
    return { orgId, tasks, setup, batches, event };
  }

  async function apply(metrics: MetricsHandlers, events: CloudEvent[]): Promise<void> {
    const outcomes = await applyEventsOnce(metrics.dataSource, 'test', 'tasks', 0, metrics.deliveries(events));
    expect(outcomes.every((outcome) => outcome === 'processed')).toBe(true);
  }

  /** A time pass to `day`, as the time-pass service runs it (around the consumer's memory). */
  async function timePass(metrics: MetricsHandlers, orgId: string, day: string): Promise<void> {
    const engine = metrics.context.get(ScoringEngine);
    await metrics.dataSource.transaction(async (tx) => {
      const run = await engine.begin(tx, orgId, new Date(`${day}T00:00:00.000Z`), { orgId, correlationId: day });
      await engine.finish(run);
    });
  }

  const state = async (dataSource: DataSource) => ({
    tasks: await dataSource.query(
      `SELECT task_id, status, progress, progress_version, actual_cost_minor, applied, next_change_on, schedule_shortfall, cost_overrun
       FROM task_rm ORDER BY task_id`,
    ),
    facts: await dataSource.query(`SELECT * FROM scope_facts ORDER BY scope, scope_id`),
    scores: await dataSource.query(
      `SELECT scope, scope_id, score, band, components, drivers, as_of FROM alignment_score ORDER BY scope, scope_id`,
    ),
    history: await dataSource.query(
      `SELECT scope, scope_id, count(*)::int AS points FROM alignment_score_history GROUP BY scope, scope_id ORDER BY scope, scope_id`,
    ),
    alerts: await dataSource.query(
      `SELECT kind, subject_id, scope, scope_id FROM open_alert ORDER BY kind, subject_id`,
    ),
    // Each alert opened is announced once, in the same order.
    raised: await dataSource.query(
      `SELECT envelope->'data'->>'kind' AS kind, envelope->'data'->>'scopeId' AS scope_id FROM outbox_event
       WHERE event_type = 'throughline.alert.raised.v1' ORDER BY seq`,
    ),
  });

  it('equals no memory when a second owner and a time pass write between its batches', async () => {
    const { orgId, setup, batches } = organisation();
    const reference = await metricsIn('reference', 0);
    const owner = await metricsIn('owners', 250_000);
    const second = await metricsHandlersIn(`m_${tag}_owners`, { METRICS_MEMORY_MAX_ENTRIES: 250_000 });
    handlers.push(second);
    // The same steps against the reference; on the shared schema the second owner takes the third batch and the time pass.
    const steps: Array<[MetricsHandlers, (metrics: MetricsHandlers) => Promise<void>]> = [
      [owner, (metrics) => apply(metrics, setup)],
      [owner, (metrics) => apply(metrics, batches[0])],
      [owner, (metrics) => apply(metrics, batches[1])],
      [second, (metrics) => apply(metrics, batches[2])],
      [owner, (metrics) => apply(metrics, batches[3])],
      [second, (metrics) => timePass(metrics, orgId, '2026-03-20')],
      [owner, (metrics) => apply(metrics, batches[4])],
    ];
    // Compared after every step: a stale memory shows in the scores of the batch that used it.
    for (const [metrics, step] of steps) {
      await step(reference);
      await step(metrics);
      expect(await state(owner.dataSource)).toEqual(await state(reference.dataSource));
    }

    const held = await state(owner.dataSource);
    // It did hold the organisation (not merely read everything again), and the reference held nothing.
    expect(owner.context.get(OrganisationMemories).organisations).toBe(1);
    expect(owner.context.get(OrganisationMemories).entries).toBeGreaterThan(4);
    expect(reference.context.get(OrganisationMemories).organisations).toBe(0);
    // The batches did what they say, and the time pass moved the day.
    expect(held.tasks.map((row: { progress: number }) => row.progress).sort((a: number, b: number) => a - b)).toEqual([
      35, 80, 90, 100,
    ]);
    const [clock] = await owner.dataSource.query(`SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of FROM org_state`);
    expect(clock.as_of).toBe('2026-03-20');
  });

  it('equals no memory after a batch that rolled back half-way', async () => {
    const { tasks, setup, batches, event } = organisation();
    const reference = await metricsIn('reference_rollback', 0);
    const owner = await metricsIn('rollback', 250_000);
    // A task of another organisation: naming it under this one fails the batch after the reports before it were applied.
    const foreignTask = { taskId: randomUUID(), goalId: randomUUID(), managerId: randomUUID() };
    const foreign = event(TaskCreatedV1, { ...TaskCreatedV1.example, ...foreignTask }, randomUUID());
    const poison = event(TaskProgressReportedV1, {
      ...TaskProgressReportedV1.example,
      ...foreignTask,
      progress: 50,
      taskVersion: 9,
    });
    for (const metrics of [reference, owner]) {
      await apply(metrics, [foreign]);
      await apply(metrics, setup);
      await apply(metrics, batches[0]);
    }
    await expect(
      applyEventsOnce(owner.dataSource, 'test', 'tasks', 0, owner.deliveries([...batches[1], poison])),
    ).rejects.toBeInstanceOf(HandlerFailure);
    for (const batch of batches.slice(1)) {
      await apply(reference, batch);
      await apply(owner, batch);
      expect(await state(owner.dataSource)).toEqual(await state(reference.dataSource));
    }
    expect(owner.context.get(OrganisationMemories).organisations).toBeGreaterThanOrEqual(1);
    const [row] = await owner.dataSource.query(`SELECT progress FROM task_rm WHERE task_id = $1`, [tasks[0].taskId]);
    expect(row.progress).toBe(90);
  });

  it('equals no memory with a bound smaller than the organisation, and holds no more than the bound', async () => {
    const { setup, batches } = organisation();
    const reference = await metricsIn('reference_bound', 0);
    const bounded = await metricsIn('bounded', 12);
    for (const batch of [setup, ...batches]) {
      await apply(reference, batch);
      await apply(bounded, batch);
      expect(await state(bounded.dataSource)).toEqual(await state(reference.dataSource));
      expect(bounded.context.get(OrganisationMemories).entries).toBeLessThanOrEqual(12);
    }
  });
});
