import { splitAllocation, SplitCandidate } from './planned-cost-split';

const task = (id: string, plannedCostMinor: number, weight = 1): SplitCandidate => ({ id, plannedCostMinor, weight });

describe('splitting a manager allocation over their tasks', () => {
  it.each<[string, number, SplitCandidate[], Record<string, number>]>([
    ['one task takes it all', 7_000_000, [task('a', 5_000_000)], { a: 7_000_000 }],
    ['in proportion to current planned costs', 6_000, [task('a', 1_000), task('b', 2_000)], { a: 2_000, b: 4_000 }],
    [
      'rounding cents go to the largest remainders',
      100,
      [task('a', 1), task('b', 1), task('c', 1)],
      { a: 34, b: 33, c: 33 },
    ],
    ['by weight when no task has a planned cost', 900, [task('a', 0, 1), task('b', 0, 2)], { a: 300, b: 600 }],
    ['equally when there is nothing to weigh by', 10, [task('a', 0, 0), task('b', 0, 0)], { a: 5, b: 5 }],
    ['down to zero', 0, [task('a', 500), task('b', 700)], { a: 0, b: 0 }],
    [
      'large amounts stay exact',
      9_007_199_254_740_991,
      [task('a', 3), task('b', 3), task('c', 3)],
      { a: 3_002_399_751_580_331, b: 3_002_399_751_580_330, c: 3_002_399_751_580_330 },
    ],
  ])('%s', (_, amount, tasks, expected) => {
    const shares = splitAllocation(amount, tasks);
    expect(Object.fromEntries(shares)).toEqual(expected);
    expect([...shares.values()].reduce((sum, value) => sum + value, 0)).toBe(amount);
  });

  it('gives nothing to no tasks', () => {
    expect(splitAllocation(1_000, []).size).toBe(0);
  });

  it.each([[-1], [1.5], [Number.NaN]])('refuses an allocation of %s', (amount) => {
    expect(() => splitAllocation(amount, [task('a', 1)])).toThrow(RangeError);
  });
});
