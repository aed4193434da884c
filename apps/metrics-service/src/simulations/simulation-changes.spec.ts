import { costAfter, MAX_SIMULATION_CHANGES, parseChanges, shareAmount } from './simulation-changes';

const TASK = '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a';
const OTHER = '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
const WEIGHTS = { schedule: 0.3, cost: 0.2, outcomes: 0.3, focus: 0.1, risk: 0.1 };

describe('simulation changes: what is accepted', () => {
  it.each([
    [
      { kind: 'slip', taskId: TASK, days: 21 },
      { kind: 'slip', taskId: TASK, days: 21 },
    ],
    [
      { kind: 'slip', deliverableId: TASK, days: -3 },
      { kind: 'slip', deliverableId: TASK, days: -3 },
    ],
    [
      { kind: 'cost', taskId: TASK, percent: 20 },
      { kind: 'cost', taskId: TASK, percent: 20 },
    ],
    [
      { kind: 'cost', deliverableId: TASK, amountMinor: -500 },
      { kind: 'cost', deliverableId: TASK, amountMinor: -500 },
    ],
    [
      { kind: 'risk', riskId: TASK, to: 'materialised' },
      { kind: 'risk', riskId: TASK, to: 'materialised' },
    ],
    [
      { kind: 'key_result', keyResultId: TASK, value: 41.5 },
      { kind: 'key_result', keyResultId: TASK, value: 41.5 },
    ],
    [
      { kind: 'budget', goalId: TASK, budgetMinor: 0 },
      { kind: 'budget', goalId: TASK, budgetMinor: 0 },
    ],
    [
      { kind: 'weights', weights: WEIGHTS },
      { kind: 'weights', weights: WEIGHTS },
    ],
    [
      { kind: 'contributions', goalId: TASK, contributesTo: [{ goalId: OTHER, weightPercent: 100 }] },
      { kind: 'contributions', goalId: TASK, contributesTo: [{ goalId: OTHER, weightPercent: 100 }] },
    ],
    [
      { kind: 'contributions', goalId: TASK, contributesTo: [] },
      { kind: 'contributions', goalId: TASK, contributesTo: [] },
    ],
    // Ids are compared as PostgreSQL prints them.
    [
      { kind: 'slip', taskId: TASK.toUpperCase(), days: 1 },
      { kind: 'slip', taskId: TASK, days: 1 },
    ],
  ])('%j', (change, parsed) => {
    expect(parseChanges([change])).toEqual({ changes: [parsed], problems: [] });
  });
});

describe('simulation changes: every problem named by the change at fault', () => {
  const slip = { kind: 'slip', taskId: TASK, days: 1 };
  it.each<[string, unknown, Array<[string, string]>]>([
    ['not a list', { kind: 'slip' }, [['changes', 'changes must be an array of changes']]],
    ['an empty list', [], [['changes', 'changes must name at least one change']]],
    [
      'too many changes',
      Array(MAX_SIMULATION_CHANGES + 1).fill(slip),
      [['changes', 'changes holds 51 changes; a simulation takes at most 50']],
    ],
    ['a change that is not an object', [slip, 7], [['changes[1]', 'changes[1] must be an object']]],
    [
      'an unknown kind',
      [{ kind: 'teleport' }],
      [
        [
          'changes[0].kind',
          'changes[0].kind must be one of slip, cost, risk, key_result, budget, weights, contributions',
        ],
      ],
    ],
    [
      'a field of another kind',
      [{ ...slip, percent: 3 }],
      [['changes[0].percent', 'changes[0].percent is not a field of a slip change']],
    ],
    [
      'both a task and a deliverable',
      [{ ...slip, deliverableId: OTHER }],
      [['changes[0]', 'changes[0] must name either a taskId or a deliverableId']],
    ],
    [
      'neither',
      [{ kind: 'slip', days: 1 }],
      [['changes[0]', 'changes[0] must name either a taskId or a deliverableId']],
    ],
    ['a malformed id', [{ ...slip, taskId: 'pilot' }], [['changes[0].taskId', 'changes[0].taskId must be a UUID']]],
    ['a fractional slip', [{ ...slip, days: 1.5 }], [['changes[0].days', 'changes[0].days must be a whole number']]],
    [
      'a slip beyond ten years',
      [{ ...slip, days: -3651 }],
      [['changes[0].days', 'changes[0].days must be between -3650 and 3650']],
    ],
    ['a missing slip', [{ kind: 'slip', taskId: TASK }], [['changes[0].days', 'changes[0].days must be a number']]],
    [
      'percent and amount',
      [{ kind: 'cost', taskId: TASK, percent: 1, amountMinor: 1 }],
      [['changes[0]', 'changes[0] must give either percent or amountMinor']],
    ],
    [
      'a cost falling more than everything',
      [{ kind: 'cost', taskId: TASK, percent: -101 }],
      [['changes[0].percent', 'changes[0].percent must be between -100 and 1000']],
    ],
    [
      'contributions that do not share the whole goal',
      [{ kind: 'contributions', goalId: TASK, contributesTo: [{ goalId: OTHER, weightPercent: 60 }] }],
      [['changes[0].contributesTo', 'changes[0].contributesTo weights must sum to 100 (they sum to 60)']],
    ],
    [
      'a goal contributing to itself',
      [{ kind: 'contributions', goalId: TASK, contributesTo: [{ goalId: TASK, weightPercent: 100 }] }],
      [
        [
          'changes[0].contributesTo[0].goalId',
          'changes[0].contributesTo[0].goalId names the goal itself or a goal already named',
        ],
      ],
    ],
    [
      'a share that is not whole',
      [{ kind: 'contributions', goalId: TASK, contributesTo: [{ goalId: OTHER, weightPercent: 99.5 }] }],
      [
        [
          'changes[0].contributesTo[0].weightPercent',
          'changes[0].contributesTo[0].weightPercent must be a whole number between 1 and 100',
        ],
      ],
    ],
    [
      'a negative budget',
      [{ kind: 'budget', goalId: TASK, budgetMinor: -1 }],
      [['changes[0].budgetMinor', 'changes[0].budgetMinor must be between 0 and 10000000000000']],
    ],
    [
      'an unknown risk outcome',
      [{ kind: 'risk', riskId: TASK, to: 'forgotten' }],
      [['changes[0].to', 'changes[0].to must be one of materialised, mitigated']],
    ],
    [
      'a key result value that is not a number',
      [{ kind: 'key_result', keyResultId: TASK, value: '40' }],
      [['changes[0].value', 'changes[0].value must be a number']],
    ],
    [
      'a weight missing and one unknown',
      [{ kind: 'weights', weights: { ...WEIGHTS, risk: undefined, luck: 1 } }],
      [
        [
          'changes[0].weights.luck',
          'changes[0].weights.luck is not a component (schedule, cost, outcomes, focus, risk)',
        ],
        ['changes[0].weights.risk', 'changes[0].weights.risk must be a number between 0 and 100'],
      ],
    ],
    [
      'all weights zero',
      [{ kind: 'weights', weights: { schedule: 0, cost: 0, outcomes: 0, focus: 0, risk: 0 } }],
      [['changes[0].weights', 'changes[0].weights must give at least one component a weight above 0']],
    ],
    [
      'the weights twice',
      [
        { kind: 'weights', weights: WEIGHTS },
        { kind: 'weights', weights: WEIGHTS },
      ],
      [['changes[1]', 'changes[1]: the weights are changed once per simulation (already by changes[0])']],
    ],
    [
      'problems in two changes',
      [{ ...slip, days: 'soon' }, slip, { kind: 'budget', goalId: OTHER }],
      [
        ['changes[0].days', 'changes[0].days must be a number'],
        ['changes[2].budgetMinor', 'changes[2].budgetMinor must be a number'],
      ],
    ],
  ])('%s', (_what, input, expected) => {
    const parsed = parseChanges(input);
    expect(parsed.changes).toBeNull();
    expect(parsed.problems.map((problem) => [problem.field, problem.message])).toEqual(expected);
  });
});

describe('the arithmetic of a cost change', () => {
  it.each<[number, { percent: number } | { amountMinor: number }, number | null]>([
    [1_430_000, { percent: 20 }, 1_716_000],
    // Rounded half away from zero, to the minor unit, either way.
    [1_005, { percent: 10 }, 1_106],
    [1_005, { percent: -10 }, 904],
    [0, { percent: 50 }, 0],
    [1_000, { percent: -100 }, 0],
    [1_000, { amountMinor: 250 }, 1_250],
    [1_000, { amountMinor: -1_000 }, 0],
    [1_000, { amountMinor: -1_001 }, null],
  ])('%d with %j costs %p', (booked, change, expected) => {
    expect(costAfter(booked, change)).toBe(expected);
  });

  it.each<[number, number[], number[]]>([
    [1_000, [3_000, 1_000], [750, 250]],
    // The minor unit left over goes to the largest remainder (the first task id on a tie).
    [100, [1, 1, 1], [34, 33, 33]],
    [-100, [1, 1, 1], [-34, -33, -33]],
    // No planned cost anywhere: shared equally.
    [5, [0, 0], [3, 2]],
    [7, [0, 10], [0, 7]],
    // Amounts times planned costs beyond 2^53 stay exact.
    [9_000_000_000_000, [7_000_000_000_000, 3_000_000_000_001], [6_299_999_999_999, 2_700_000_000_001]],
  ])('%d shared by planned costs %j is %j', (amount, planned, expected) => {
    const tasks = planned.map((plannedCostMinor, index) => ({ taskId: `task-${index}`, plannedCostMinor }));
    const shares = shareAmount(amount, tasks);
    expect(shares).toEqual(expected);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBe(amount);
  });
});
