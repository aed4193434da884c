import { emptyFacts, FactVector, ScopeKind } from './alignment-formula';
import { forecast, ForecastInput } from './forecast.rules';

const facts = (values: Partial<FactVector>): FactVector => ({ ...emptyFacts(), ...values });
const period = { start: '2026-01-01', end: '2026-06-30' };
/** Budget 100,000.00; work planned at 60,000.00 of which 20,000.00 is earned for 35,000.00 spent. */
const launch = facts({
  liveTasks: 2,
  plannedValue: 225_000,
  earnedValueCapped: 85_000,
  plannedCost: 6_000_000,
  earnedCost: 2_000_000,
  actualCost: 3_500_000,
  goalBudget: 10_000_000,
});
const input = (overrides: Partial<ForecastInput>): ForecastInput => ({
  kind: 'goal',
  facts: launch,
  asOf: '2026-03-01',
  period,
  closedOn: null,
  ...overrides,
});

describe('cost forecast: EAC = AC + (BAC − EV) / CPI', () => {
  it.each<[string, Partial<ForecastInput>, Record<string, unknown>]>([
    [
      'overspending at CPI 0.571: overruns the goal budget',
      {},
      {
        costPerformanceIndex: 0.571,
        estimateAtCompletion: 10_500_000,
        estimateToComplete: 7_000_000,
        varianceAtCompletion: -500_000,
        toCompletePerformanceIndex: 0.615,
        overrun: true,
        missing: [],
      },
    ],
    [
      'on cost efficiency (CPI 1): the budgeted work, within the budget',
      { facts: facts({ ...launch, actualCost: 2_000_000 }) },
      {
        costPerformanceIndex: 1,
        estimateAtCompletion: 6_000_000,
        estimateToComplete: 4_000_000,
        varianceAtCompletion: 4_000_000,
        toCompletePerformanceIndex: 0.5,
        overrun: false,
      },
    ],
    [
      'a manager is held against the planned cost of their tasks',
      { kind: 'manager' as ScopeKind, period: null },
      { budget: 6_000_000, estimateAtCompletion: 10_500_000, varianceAtCompletion: -4_500_000, overrun: true },
    ],
    [
      'nothing booked yet (AC = 0): no EAC, TCPI against the whole budget',
      { facts: facts({ ...launch, actualCost: 0, earnedCost: 0 }) },
      {
        costPerformanceIndex: null,
        estimateAtCompletion: null,
        estimateToComplete: null,
        varianceAtCompletion: null,
        toCompletePerformanceIndex: 0.6,
        overrun: null,
        missing: [
          { field: 'costPerformanceIndex', reason: 'no_cost_booked' },
          { field: 'estimateAtCompletion', reason: 'no_cost_booked' },
          { field: 'estimateToComplete', reason: 'no_cost_booked' },
          { field: 'varianceAtCompletion', reason: 'no_cost_booked' },
        ],
      },
    ],
    [
      'spent but nothing earned (EV = 0): CPI 0 would divide by zero',
      { facts: facts({ ...launch, earnedCost: 0 }) },
      {
        costPerformanceIndex: null,
        estimateAtCompletion: null,
        varianceAtCompletion: null,
        toCompletePerformanceIndex: 0.923,
        missing: [
          { field: 'costPerformanceIndex', reason: 'no_value_earned' },
          { field: 'estimateAtCompletion', reason: 'no_value_earned' },
          { field: 'estimateToComplete', reason: 'no_value_earned' },
          { field: 'varianceAtCompletion', reason: 'no_value_earned' },
        ],
      },
    ],
    [
      'all budgeted work earned: it cost what was booked',
      { facts: facts({ ...launch, earnedCost: 6_000_000, actualCost: 7_000_000 }) },
      {
        costPerformanceIndex: 0.857,
        estimateAtCompletion: 7_000_000,
        estimateToComplete: 0,
        varianceAtCompletion: 3_000_000,
        toCompletePerformanceIndex: null,
        missing: [{ field: 'toCompletePerformanceIndex', reason: 'no_work_remaining' }],
      },
    ],
    [
      'a closed goal: what was booked, whatever remained',
      { closedOn: '2026-05-15' },
      { estimateAtCompletion: 3_500_000, estimateToComplete: 0, varianceAtCompletion: 6_500_000, overrun: false },
    ],
    [
      'no planned cost on any live task: nothing to project',
      { facts: facts({ liveTasks: 1, actualCost: 100, goalBudget: 1000 }) },
      {
        costPerformanceIndex: null,
        estimateAtCompletion: null,
        varianceAtCompletion: null,
        toCompletePerformanceIndex: null,
        missing: [
          { field: 'costPerformanceIndex', reason: 'no_value_earned' },
          { field: 'estimateAtCompletion', reason: 'no_planned_cost' },
          { field: 'estimateToComplete', reason: 'no_planned_cost' },
          { field: 'varianceAtCompletion', reason: 'no_planned_cost' },
          { field: 'toCompletePerformanceIndex', reason: 'no_planned_cost' },
        ],
      },
    ],
    [
      'a goal without a budget: EAC but no variance',
      { facts: facts({ ...launch, goalBudget: 0 }) },
      {
        estimateAtCompletion: 10_500_000,
        varianceAtCompletion: null,
        toCompletePerformanceIndex: null,
        overrun: null,
        missing: [
          { field: 'varianceAtCompletion', reason: 'no_budget' },
          { field: 'toCompletePerformanceIndex', reason: 'no_budget' },
        ],
      },
    ],
    [
      'the budget already spent: no efficiency can finish within it',
      { facts: facts({ ...launch, actualCost: 10_000_000 }) },
      {
        estimateAtCompletion: 30_000_000,
        varianceAtCompletion: -20_000_000,
        toCompletePerformanceIndex: null,
        missing: [{ field: 'toCompletePerformanceIndex', reason: 'budget_spent' }],
      },
    ],
  ])('%s', (_, overrides, expected) => {
    const cost = forecast(input(overrides)).cost;
    expect(cost).toMatchObject(expected);
    for (const value of Object.values(cost)) if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
  });
});

describe('schedule forecast: start + ⌈span / SPI⌉ − 1', () => {
  it.each<[string, Partial<ForecastInput>, Record<string, unknown>]>([
    [
      'SPI 0.378 stretches the 181-day period to 480 days',
      {},
      {
        schedulePerformanceIndex: 0.378,
        plannedStart: '2026-01-01',
        plannedEnd: '2026-06-30',
        projectedFinish: '2027-04-25',
        slipDays: 299,
        late: true,
        missing: [],
      },
    ],
    [
      'on plan (SPI 1): the end day',
      { facts: facts({ ...launch, earnedValueCapped: 225_000 }) },
      { schedulePerformanceIndex: 1, projectedFinish: '2026-06-30', slipDays: 0, late: false },
    ],
    [
      'behind after the end date and its projection passed: no earlier than today',
      { facts: facts({ ...launch, plannedValue: 300_000, earnedValueCapped: 290_000 }), asOf: '2026-08-01' },
      { schedulePerformanceIndex: 0.967, projectedFinish: '2026-08-01', slipDays: 32, late: true },
    ],
    [
      'a closed goal: the day it closed',
      { closedOn: '2026-07-10' },
      { projectedFinish: '2026-07-10', slipDays: 10, late: true, missing: [] },
    ],
    [
      'nothing planned yet',
      { facts: facts({ ...launch, plannedValue: 0, earnedValueCapped: 0 }) },
      {
        schedulePerformanceIndex: null,
        projectedFinish: null,
        slipDays: null,
        late: null,
        missing: [
          { field: 'schedulePerformanceIndex', reason: 'nothing_planned_yet' },
          { field: 'projectedFinish', reason: 'nothing_planned_yet' },
          { field: 'slipDays', reason: 'nothing_planned_yet' },
        ],
      },
    ],
    [
      'planned but nothing earned (SPI 0)',
      { facts: facts({ ...launch, earnedValueCapped: 0 }) },
      {
        schedulePerformanceIndex: 0,
        projectedFinish: null,
        missing: [
          { field: 'projectedFinish', reason: 'no_value_earned' },
          { field: 'slipDays', reason: 'no_value_earned' },
        ],
      },
    ],
    [
      'no live work',
      { facts: facts({ goalBudget: 1000 }) },
      {
        schedulePerformanceIndex: null,
        projectedFinish: null,
        missing: [
          { field: 'schedulePerformanceIndex', reason: 'no_live_tasks' },
          { field: 'projectedFinish', reason: 'no_live_tasks' },
          { field: 'slipDays', reason: 'no_live_tasks' },
        ],
      },
    ],
    [
      'an org unit has no period: SPI only',
      { kind: 'org_unit' as ScopeKind, period: null },
      {
        schedulePerformanceIndex: 0.378,
        plannedEnd: null,
        projectedFinish: null,
        late: null,
        missing: [
          { field: 'projectedFinish', reason: 'no_period' },
          { field: 'slipDays', reason: 'no_period' },
        ],
      },
    ],
  ])('%s', (_, overrides, expected) => {
    expect(forecast(input(overrides)).schedule).toMatchObject(expected);
  });
});
