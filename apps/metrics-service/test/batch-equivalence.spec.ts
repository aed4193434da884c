import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  CloudEvent,
  createEvent,
  EventDefinition,
  GoalActivatedV1,
  OrgUnitCreatedV1,
  PersonCreatedV1,
  TaskCostRecordedV1,
  TaskCreatedV1,
  TaskHoursRecordedV1,
  TaskProgressReportedV1,
  TaskQualityIssueRecordedV1,
  TaskStatusChangedV1,
} from '@throughline/contracts';
import { applyEventsOnce } from '@throughline/messaging';
import { uniqueTag } from '@throughline/testing';
import { MetricsHandlers, metricsHandlersIn } from './metrics-handlers';

/**
 * A batch applied in one transaction (task rows held in memory, entries inserted ahead, set-based
 * writes) leaves the same read models, facts, scores and open budget, risk and unlinked-work
 * alerts as the same events applied one per transaction: scores do not depend on how the
 * consumer groups events.
 */
describe('metrics: a batch in one transaction equals its events one by one', () => {
  const tag = uniqueTag();
  const schemas = { together: `m_${tag}_together`, alone: `m_${tag}_alone` };
  const contexts: INestApplicationContext[] = [];

  async function metricsIn(schema: string): Promise<MetricsHandlers> {
    const handlers = await metricsHandlersIn(schema);
    contexts.push(handlers.context);
    return handlers;
  }

  afterAll(async () => {
    for (const context of contexts) await context.close();
    const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    for (const schema of Object.values(schemas)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('leaves the same tasks, entries, facts, scores and level alerts', async () => {
    const orgId = randomUUID();
    const goalId = randomUUID();
    const orgUnitId = randomUUID();
    const managers = [randomUUID(), randomUUID()];
    const tasks = [0, 1, 2].map((index) => ({ taskId: randomUUID(), goalId, managerId: managers[index % 2] }));
    let minute = 0;
    const event = <T extends EventDefinition>(definition: T, data: T['example']): CloudEvent => {
      const at = new Date(Date.UTC(2026, 1, 2, 9, minute++)).toISOString();
      return {
        ...createEvent(definition, data, { source: '/test', orgId, correlationId: 'batch' }).envelope,
        time: at,
      };
    };
    const cost = (task: (typeof tasks)[number], amountMinor: number) => ({
      ...TaskCostRecordedV1.example,
      ...task,
      entryId: randomUUID(),
      amountMinor,
    });
    const repeatedCost = cost(tasks[0], 2_000_000);
    const events = [
      // The goal's unit and its two managers: the unit's drivers name its lowest-scoring managers,
      // which a batch scores in the same run as the unit.
      event(OrgUnitCreatedV1, { orgUnitId, name: 'Product', parentOrgUnitId: null, version: 1 }),
      ...managers.map((personId, index) =>
        event(PersonCreatedV1, {
          ...PersonCreatedV1.example,
          personId,
          name: `Manager ${index}`,
          role: 'manager',
          orgUnitId,
          reportsToId: null,
          version: 1,
        }),
      ),
      event(GoalActivatedV1, {
        ...GoalActivatedV1.example,
        goalId,
        parentGoalId: null,
        orgUnitId,
        budgetMinor: 3_000_000,
      }),
      ...tasks.map((task, index) =>
        event(TaskCreatedV1, {
          ...TaskCreatedV1.example,
          ...task,
          title: `Task ${index}`,
          plannedCostMinor: 1_000_000,
        }),
      ),
      event(TaskStatusChangedV1, { ...TaskStatusChangedV1.example, ...tasks[0], to: 'in_progress', taskVersion: 2 }),
      event(TaskProgressReportedV1, { ...TaskProgressReportedV1.example, ...tasks[0], progress: 40, taskVersion: 3 }),
      // Older than what came before it: ignored, whichever transaction it shares.
      event(TaskProgressReportedV1, { ...TaskProgressReportedV1.example, ...tasks[0], progress: 10, taskVersion: 2 }),
      event(TaskCostRecordedV1, repeatedCost),
      event(TaskHoursRecordedV1, { ...TaskHoursRecordedV1.example, ...tasks[1], entryId: randomUUID(), minutes: 240 }),
      event(TaskProgressReportedV1, { ...TaskProgressReportedV1.example, ...tasks[1], progress: 70, taskVersion: 2 }),
      // The same cost entry again under another event id counts once.
      event(TaskCostRecordedV1, repeatedCost),
      event(TaskCostRecordedV1, cost(tasks[1], 900_000)),
      event(TaskQualityIssueRecordedV1, { ...TaskQualityIssueRecordedV1.example, ...tasks[1], issueId: randomUUID() }),
      event(TaskStatusChangedV1, {
        ...TaskStatusChangedV1.example,
        ...tasks[1],
        to: 'done',
        progress: 100,
        taskVersion: 3,
      }),
      // A task whose creation has not arrived yet (a placeholder), reported on and costed.
      event(TaskProgressReportedV1, {
        ...TaskProgressReportedV1.example,
        taskId: randomUUID(),
        goalId,
        managerId: managers[0],
        progress: 50,
        taskVersion: 2,
      }),
    ];
    const together = await metricsIn(schemas.together);
    const alone = await metricsIn(schemas.alone);
    const outcomes = await applyEventsOnce(together.dataSource, 'test', 'tasks', 0, together.deliveries(events));
    expect(outcomes.every((outcome) => outcome === 'processed')).toBe(true);
    for (const delivery of alone.deliveries(events))
      await applyEventsOnce(alone.dataSource, 'test', 'tasks', 0, [delivery]);

    const state = async (dataSource: DataSource) => ({
      tasks: await dataSource.query(
        `SELECT task_id, known, goal_id, manager_id, status, status_version, completed_at, progress, progress_version, actual_cost_minor, minutes,
                applied, next_change_on, schedule_shortfall, cost_overrun FROM task_rm ORDER BY task_id`,
      ),
      entries: await dataSource.query(`SELECT entry_id, amount_minor FROM cost_entry ORDER BY entry_id`),
      facts: await dataSource.query(`SELECT * FROM scope_facts ORDER BY scope, scope_id`),
      scores: await dataSource.query(
        `SELECT scope, scope_id, score, band, components, drivers FROM alignment_score ORDER BY scope, scope_id`,
      ),
      // Which goal alert is open is left out: alerts are raised on the band crossings a rescoring
      // sees ("fell to at risk"), so one rescoring per batch sees fewer crossings than one per event.
      alerts: await dataSource.query(
        `SELECT kind, subject_id, scope, scope_id FROM open_alert WHERE kind NOT IN ('goal_at_risk', 'goal_off_track') ORDER BY kind, subject_id`,
      ),
    });
    const batched = await state(together.dataSource);
    expect(batched).toEqual(await state(alone.dataSource));
    // The batch did what the events say, not merely the same nothing twice.
    expect(batched.tasks).toHaveLength(4);
    expect(batched.entries).toHaveLength(2);
    expect(batched.tasks.find((row: { task_id: string }) => row.task_id === tasks[0].taskId)).toMatchObject({
      progress: 40,
      actual_cost_minor: '2000000',
    });
    expect(batched.scores.map((row: { scope: string }) => row.scope)).toEqual(
      expect.arrayContaining(['goal', 'manager', 'org_unit', 'organisation']),
    );
    const unit = batched.scores.find((row: { scope: string }) => row.scope === 'org_unit');
    expect(unit.drivers.filter((driver: { kind: string }) => driver.kind === 'manager')).not.toHaveLength(0);
  });
});
