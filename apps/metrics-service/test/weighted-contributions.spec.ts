import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  CloudEvent,
  createEvent,
  EventDefinition,
  GoalContributionsChangedV1,
  GoalCreatedV1,
  GoalUpdatedV1,
  TaskCostRecordedV1,
  TaskCreatedV1,
} from '@throughline/contracts';
import { applyEventsOnce } from '@throughline/messaging';
import { uniqueTag } from '@throughline/testing';
import { MetricsHandlers, metricsHandlersIn } from './metrics-handlers';

/**
 * Issue 17's weighted contribution graph, as metrics rolls it up: "Cut churn" sits under "Grow
 * revenue" and gives it 60 % of its work, 40 % to "Delight customers". Each goal above receives
 * its share of every fact (budget, costs, planned and earned value…), rounded to whole units;
 * sub-goals of a weighted goal roll up with it; restoring the default gives the parent all of it
 * again. Applied event by event and in one batch, the read models are the same.
 */
describe('metrics: a goal contributing to several goals with weights', () => {
  const tag = uniqueTag();
  const schemas: string[] = [];
  const handlers: MetricsHandlers[] = [];

  async function metricsIn(suffix: string): Promise<MetricsHandlers> {
    const schema = `m_${tag}_${suffix}`;
    schemas.push(schema);
    const metrics = await metricsHandlersIn(schema);
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

  const orgId = randomUUID();
  const unitId = randomUUID();
  const managerId = randomUUID();
  const ids = { revenue: randomUUID(), satisfaction: randomUUID(), churn: randomUUID(), winBack: randomUUID() };
  let minute = 0;
  const event = <T extends EventDefinition>(definition: T, data: T['example']): CloudEvent => ({
    ...createEvent(definition, data, { source: '/test', orgId, correlationId: 'weights' }).envelope,
    time: new Date(Date.UTC(2026, 1, 2, 9, minute++)).toISOString(),
  });
  const goal = (goalId: string, title: string, parentGoalId: string | null, budgetMinor: number, version = 1) =>
    event(version === 1 ? GoalCreatedV1 : GoalUpdatedV1, {
      ...GoalCreatedV1.example,
      goalId,
      title,
      parentGoalId,
      orgUnitId: unitId,
      status: 'active',
      budgetMinor,
      version,
    });
  const contributions = (contributesTo: Array<[string, number]>, version: number) =>
    event(GoalContributionsChangedV1, {
      goalId: ids.churn,
      parentGoalId: ids.revenue,
      contributesTo: contributesTo.map(([goalId, weightPercent]) => ({ goalId, weightPercent })),
      supports: [],
      version,
    });
  const taskId = randomUUID();
  const cost = (amountMinor: number) =>
    event(TaskCostRecordedV1, {
      ...TaskCostRecordedV1.example,
      taskId,
      goalId: ids.churn,
      managerId,
      entryId: randomUUID(),
      amountMinor,
    });

  const steps: Array<{
    events: CloudEvent[];
    expected: Record<keyof typeof ids, { budget: number; actualCost: number }>;
  }> = [
    {
      // The default: all of "Cut churn" rolls up into its parent.
      events: [
        goal(ids.revenue, 'Grow revenue', null, 1_000_000),
        goal(ids.satisfaction, 'Delight customers', null, 500_000),
        goal(ids.churn, 'Cut churn', ids.revenue, 200_000),
        event(TaskCreatedV1, {
          ...TaskCreatedV1.example,
          taskId,
          goalId: ids.churn,
          managerId,
          plannedCostMinor: 100_000,
          dueDate: '2026-03-31',
        }),
        cost(30_001),
      ],
      expected: {
        revenue: { budget: 1_200_000, actualCost: 30_001 },
        satisfaction: { budget: 500_000, actualCost: 0 },
        churn: { budget: 200_000, actualCost: 30_001 },
        winBack: { budget: 0, actualCost: 0 },
      },
    },
    {
      // 60 / 40: 18,000.6 rounds up to 18,001 and 12,000.4 down to 12,000 — together the whole.
      events: [
        contributions(
          [
            [ids.revenue, 60],
            [ids.satisfaction, 40],
          ],
          2,
        ),
      ],
      expected: {
        revenue: { budget: 1_120_000, actualCost: 18_001 },
        satisfaction: { budget: 580_000, actualCost: 12_000 },
        churn: { budget: 200_000, actualCost: 30_001 },
        winBack: { budget: 0, actualCost: 0 },
      },
    },
    {
      // More cost on the weighted goal, and a sub-goal under it: both reach the goals above by the weights.
      events: [cost(10_000), goal(ids.winBack, 'Win back lapsed customers', ids.churn, 100_000)],
      expected: {
        revenue: { budget: 1_180_000, actualCost: 24_001 },
        satisfaction: { budget: 620_000, actualCost: 16_000 },
        churn: { budget: 300_000, actualCost: 40_001 },
        winBack: { budget: 100_000, actualCost: 0 },
      },
    },
    {
      // Re-weighed 25 / 75 (only the differences move), then the default again: the parent has all of it.
      events: [
        contributions(
          [
            [ids.revenue, 25],
            [ids.satisfaction, 75],
          ],
          3,
        ),
      ],
      expected: {
        revenue: { budget: 1_075_000, actualCost: 10_000 },
        satisfaction: { budget: 725_000, actualCost: 30_001 },
        churn: { budget: 300_000, actualCost: 40_001 },
        winBack: { budget: 100_000, actualCost: 0 },
      },
    },
    {
      events: [contributions([], 4)],
      expected: {
        revenue: { budget: 1_300_000, actualCost: 40_001 },
        satisfaction: { budget: 500_000, actualCost: 0 },
        churn: { budget: 300_000, actualCost: 40_001 },
        winBack: { budget: 100_000, actualCost: 0 },
      },
    },
  ];

  async function apply(metrics: MetricsHandlers, events: CloudEvent[]): Promise<void> {
    const outcomes = await applyEventsOnce(metrics.dataSource, 'test', 'goals', 0, metrics.deliveries(events));
    expect(outcomes.every((outcome) => outcome === 'processed')).toBe(true);
  }

  const goalFacts = async (dataSource: DataSource) => {
    const rows: Array<{ scope_id: string; goal_budget: string; actual_cost: string }> = await dataSource.query(
      `SELECT scope_id, goal_budget, actual_cost FROM scope_facts WHERE scope = 'goal'`,
    );
    const byId = new Map(rows.map((row) => [row.scope_id, row]));
    return Object.fromEntries(
      Object.entries(ids).map(([name, id]) => [
        name,
        { budget: Number(byId.get(id)?.goal_budget ?? 0), actualCost: Number(byId.get(id)?.actual_cost ?? 0) },
      ]),
    );
  };
  const readModels = async (dataSource: DataSource) => ({
    facts: await dataSource.query(`SELECT * FROM scope_facts ORDER BY scope, scope_id`),
    scores: await dataSource.query(
      `SELECT scope, scope_id, score, band, components FROM alignment_score ORDER BY scope, scope_id`,
    ),
    links: await dataSource.query(`SELECT * FROM goal_link_rm ORDER BY child_goal_id, parent_goal_id`),
  });

  it('rolls each fact up by the weights, follows every later change, and equals one batch of the same events', async () => {
    const stepwise = await metricsIn('stepwise');
    for (const step of steps) {
      for (const single of step.events) await apply(stepwise, [single]);
      expect(await goalFacts(stepwise.dataSource)).toEqual(step.expected);
    }
    // The organisation counts the task once, whatever the goals above it share.
    const [organisation] = await stepwise.dataSource.query(
      `SELECT actual_cost FROM scope_facts WHERE scope = 'organisation'`,
    );
    expect(Number(organisation.actual_cost)).toBe(40_001);

    const batched = await metricsIn('batched');
    await apply(
      batched,
      steps.flatMap((step) => step.events),
    );
    expect(await readModels(batched.dataSource)).toEqual(await readModels(stepwise.dataSource));
  });

  it('scores a goal it contributes to from its share, and rescores it when the share moves', async () => {
    const metrics = await metricsIn('scores');
    await apply(metrics, steps[0].events);
    const scoreOf = async (goalId: string) =>
      (
        await metrics.dataSource.query(
          `SELECT score, components FROM alignment_score WHERE scope = 'goal' AND scope_id = $1`,
          [goalId],
        )
      )[0];
    const before = await scoreOf(ids.satisfaction);
    await apply(metrics, steps[1].events);
    const after = await scoreOf(ids.satisfaction);
    // "Delight customers" had no work of its own; it now carries 40 % of a goal that has spent money.
    expect(after).toBeDefined();
    expect(after.components).not.toEqual(before?.components);
  });
});
