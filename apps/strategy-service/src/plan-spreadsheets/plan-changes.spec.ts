import 'reflect-metadata';
import {
  BudgetRevisedV1,
  createEvent,
  DeliverableAddedV1,
  GoalActivatedV1,
  GoalCreatedV1,
  KeyResultAddedV1,
} from '@throughline/contracts';
import { Actor, ReportingLines } from '@throughline/service-kit';
import { PlanDirectory, planChanges } from './plan-changes';
import { parsePlanRows, PlanSheetRow } from './plan-sheet';

/** Acme (dana directs it, milo reports to her) and Sales beside it (sam directs it). */
const ids = {
  dana: '00000000-0000-4000-8000-00000000000d',
  milo: '00000000-0000-4000-8000-00000000000a',
  sam: '00000000-0000-4000-8000-00000000000b',
  acme: '00000000-0000-4000-8000-0000000000a1',
  sales: '00000000-0000-4000-8000-0000000000a2',
  org: '00000000-0000-4000-8000-0000000000f0',
};
const directory: PlanDirectory = {
  emails: new Map([
    ['dana@acme.example', ids.dana],
    ['milo@acme.example', ids.milo],
    ['sam@acme.example', ids.sam],
  ]),
  people: new Map([
    [ids.dana, { name: 'Dana', role: 'director', active: true }],
    [ids.milo, { name: 'Milo', role: 'manager', active: true }],
    [ids.sam, { name: 'Sam', role: 'director', active: true }],
  ]),
  units: new Map([
    ['acme', [ids.acme]],
    ['sales', [ids.sales]],
  ]),
  lines: new ReportingLines(
    [
      { personId: ids.dana, reportsToId: null, orgUnitId: ids.acme },
      { personId: ids.milo, reportsToId: ids.dana, orgUnitId: ids.acme },
      { personId: ids.sam, reportsToId: null, orgUnitId: ids.sales },
    ],
    [
      { orgUnitId: ids.acme, parentOrgUnitId: null },
      { orgUnitId: ids.sales, parentOrgUnitId: null },
    ],
  ),
};
const dana: Actor = { personId: ids.dana, orgId: ids.org, role: 'director' };

let line = 1;
const sheetRow = (values: Record<string, string>): PlanSheetRow => ({ line: ++line, problems: [], values });
const goal = (values: Record<string, string>) =>
  sheetRow({
    kind: 'goal',
    title: `Goal ${values.goal_ref}`,
    owner_email: 'dana@acme.example',
    org_unit: 'Acme',
    period_start: '2027-01-01',
    period_end: '2027-12-31',
    currency: 'EUR',
    amount: '1000',
    ...values,
  });
const keyResult = (values: Record<string, string>) =>
  sheetRow({
    kind: 'key_result',
    title: 'Share',
    category: 'growth',
    unit: '%',
    baseline: '10',
    target: '20',
    direction: 'increase',
    ...values,
  });
const deliverable = (values: Record<string, string>) =>
  sheetRow({
    kind: 'deliverable',
    title: 'Work',
    manager_email: 'milo@acme.example',
    due_date: '2027-06-30',
    amount: '100',
    ...values,
  });

const changesOf = (rows: PlanSheetRow[]) => planChanges(dana, parsePlanRows(rows), directory);

describe('a plan file run through the API rules in memory', () => {
  // Rows are numbered as the spreadsheet shows them: the header is row 1.
  beforeEach(() => {
    line = 1;
  });

  it('makes the rows and events the API calls would: goals in their final state, each event as the service builds it', async () => {
    const rows = [
      goal({ goal_ref: 'launch', status: 'active', amount: '5000' }),
      goal({ goal_ref: 'pilot', parent_goal_ref: 'launch', status: 'active', period_end: '2027-06-30' }),
      keyResult({ goal_ref: 'pilot' }),
      deliverable({ goal_ref: 'pilot', amount: '300' }),
      sheetRow({ kind: 'budget_allocation', goal_ref: 'pilot', manager_email: 'milo@acme.example', amount: '800' }),
    ];
    const changes = await changesOf(rows);
    expect(changes.problems).toEqual([]);
    expect(changes.created).toEqual({
      goals: 2,
      keyResults: 1,
      deliverables: 1,
      budgetRevisions: 1,
      activatedGoals: 2,
    });
    const [launch, pilot] = changes.goals;
    expect(launch).toMatchObject({ parentGoalId: null, status: 'active', version: 2, budgetRevision: 1 });
    // Created (1), budget revised (2), activated (3): each save of the row moves its version on.
    expect(pilot).toMatchObject({
      parentGoalId: launch.id,
      status: 'active',
      version: 3,
      budgetRevision: 2,
      budgetMinor: 100_000,
      activatedAt: expect.any(Date),
    });
    expect(changes.goalRefs).toEqual([
      { ref: 'launch', id: launch.id, title: 'Goal launch' },
      { ref: 'pilot', id: pilot.id, title: 'Goal pilot' },
    ]);
    expect(changes.budgetRevisions.map(({ goalId, revision, allocations }) => [goalId, revision, allocations])).toEqual(
      [
        [launch.id, 1, []],
        [pilot.id, 1, []],
        [pilot.id, 2, [{ managerId: ids.milo, orgUnitId: null, amountMinor: 80_000 }]],
      ],
    );
    expect(changes.keyResults).toEqual([expect.objectContaining({ goalId: pilot.id, version: 1, weight: 1 })]);
    expect(changes.deliverables).toEqual([
      expect.objectContaining({ goalId: pilot.id, managerId: ids.milo, budgetMinor: 30_000, removedAt: null }),
    ]);

    const { events } = changes;
    // Each event as it was when its row's request ran: the goals were drafts at version 1 then.
    expect(events.goalCreated).toEqual([
      expect.objectContaining({ goalId: launch.id, status: 'draft', version: 1, budgetMinor: 500_000 }),
      expect.objectContaining({ goalId: pilot.id, status: 'draft', version: 1, budgetMinor: 100_000 }),
    ]);
    expect(events.deliverableAdded).toEqual([expect.objectContaining({ goalId: pilot.id, goalStatus: 'draft' })]);
    expect(events.budgetRevised).toEqual([
      expect.objectContaining({ goalId: pilot.id, revision: 2, totalMinor: 100_000 }),
    ]);
    expect(events.goalActivated.map((event) => [event.goalId, event.deliverables.length])).toEqual([
      [launch.id, 0],
      [pilot.id, 1],
    ]);
    // The contracts accept every payload, keyed by its goal.
    const meta = { source: '/throughline/strategy-service', orgId: ids.org, correlationId: 'c' };
    const keys = [
      ...events.goalCreated.map((data) => createEvent(GoalCreatedV1, data, meta).key),
      ...events.keyResultAdded.map((data) => createEvent(KeyResultAddedV1, data, meta).key),
      ...events.deliverableAdded.map((data) => createEvent(DeliverableAddedV1, data, meta).key),
      ...events.budgetRevised.map((data) => createEvent(BudgetRevisedV1, data, meta).key),
      ...events.goalActivated.map((data) => createEvent(GoalActivatedV1, data, meta).key),
    ];
    expect(keys).toEqual([launch.id, pilot.id, pilot.id, pilot.id, pilot.id, launch.id, pilot.id]);
  });

  it("puts every rule a row breaks on that row, by column in the API's words; a refused row leaves nothing behind", async () => {
    const changes = await changesOf([
      goal({ goal_ref: 'ok', period_end: '2027-06-30' }), // 2
      goal({ goal_ref: 'managed', owner_email: 'milo@acme.example' }), // 3
      goal({ goal_ref: 'theirs', org_unit: 'Sales' }), // 4
      goal({ goal_ref: 'late', parent_goal_ref: 'ok', period_end: '2027-09-30' }), // 5
      keyResult({ goal_ref: 'ok', baseline: '20', target: '10' }), // 6
      keyResult({ goal_ref: 'managed' }), // 7
      deliverable({ goal_ref: 'ok', due_date: '2027-07-01' }), // 8
      deliverable({ goal_ref: 'ok', manager_email: 'sam@acme.example' }), // 9
      deliverable({ goal_ref: 'ok', amount: '800' }), // 10
      deliverable({ goal_ref: 'ok', amount: '300' }), // 11: 800 + 300 > 1000
      deliverable({ goal_ref: 'ok', amount: '200' }), // 12: fits, as row 11 left nothing behind
      sheetRow({ kind: 'budget_allocation', goal_ref: 'ok', manager_email: 'sam@acme.example', amount: '10' }), // 13
    ]);
    const where = (row: number) => changes.problems.filter((problem) => problem.row === row);
    expect(where(3)).toEqual([
      { row: 3, column: 'owner_email', message: expect.stringContaining('(Milo) is a manager, not a director') },
    ]);
    expect(where(4)).toEqual([
      { row: 4, column: null, message: expect.stringContaining('is not your unit or a unit below it') },
    ]);
    expect(where(5)).toEqual([
      { row: 5, column: 'period_end', message: expect.stringContaining("must lie within its parent's") },
    ]);
    expect(where(6)).toEqual([
      { row: 6, column: 'target', message: expect.stringContaining('needs a target above its baseline') },
    ]);
    expect(where(7)).toEqual([
      { row: 7, column: 'goal_ref', message: 'goal "managed" (row 3) was not created: fix that row first' },
    ]);
    expect(where(8)).toEqual([{ row: 8, column: 'due_date', message: expect.stringContaining("the goal's period") }]);
    expect(where(9)).toEqual([
      { row: 9, column: 'manager_email', message: expect.stringContaining('is a director, not a manager') },
    ]);
    expect(where(10)).toEqual([]);
    expect(where(11)).toEqual([
      {
        row: 11,
        column: 'amount',
        message: expect.stringContaining("would exceed the goal's budget: 110000 > 100000"),
      },
    ]);
    expect(where(12)).toEqual([]);
    expect(where(13)).toEqual([
      { row: 13, column: null, message: expect.stringContaining('is a director, not a manager') },
    ]);
    expect(changes.problems.map((problem) => problem.row)).toEqual([3, 4, 5, 6, 7, 8, 9, 11, 13]);
    expect(changes.goalRefs.map((entry) => entry.ref)).toEqual(['ok']);
    expect(changes.deliverables.map((entry) => entry.budgetMinor)).toEqual([80_000, 20_000]);
    expect(changes.events.deliverableAdded).toHaveLength(2);
    expect(changes.budgetRevisions).toHaveLength(1);
    expect(changes.events.budgetRevised).toEqual([]);
  });
});
