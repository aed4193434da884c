import {
  assertSharesWithinTotal,
  assertValidRevision,
  BudgetAllocation,
  budgetAllocations,
  sumMinor,
} from './budget.rules';

const manager = (id: string, amountMinor: number): BudgetAllocation => ({
  managerId: id,
  orgUnitId: null,
  amountMinor,
});
const unit = (id: string, amountMinor: number): BudgetAllocation => ({ managerId: null, orgUnitId: id, amountMinor });

describe('budget revision rules', () => {
  const cases: Array<[string, number, BudgetAllocation[], bigint, RegExp | null]> = [
    ['no allocation', 1_000, [], 0n, null],
    ['two managers using all of it', 12_000_000, [manager('a', 7_000_000), manager('b', 5_000_000)], 0n, null],
    ['a manager and a unit, partly allocated', 10_000, [manager('a', 4_000), unit('u', 5_000)], 9_000n, null],
    [
      'allocations one cent over',
      10_000,
      [manager('a', 5_000), manager('b', 5_001)],
      0n,
      /exceed the total budget \(10000\) by 1 minor units/,
    ],
    [
      'neither recipient',
      10_000,
      [{ managerId: null, orgUnitId: null, amountMinor: 1 }],
      0n,
      /allocations\.0 set exactly one/,
    ],
    [
      'both recipients',
      10_000,
      [{ managerId: 'a', orgUnitId: 'u', amountMinor: 1 }],
      0n,
      /allocations\.0 set exactly one/,
    ],
    ['a manager twice', 10_000, [manager('a', 1), manager('a', 2)], 0n, /allocations\.1 manager a appears twice/],
    ['total below the deliverable shares', 10_000, [], 10_001n, /cannot go below that/],
  ];

  it.each(cases)('%s', (_, total, allocations, shares, error) => {
    const check = () => assertValidRevision(total, allocations, shares);
    if (error) expect(check).toThrow(error);
    else expect(check).not.toThrow();
  });

  it('sums large amounts exactly', () => {
    expect(sumMinor([Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 1])).toBe(
      2n * BigInt(Number.MAX_SAFE_INTEGER) + 1n,
    );
  });

  it.each([
    [10_000, 6_000n, 4_000, true],
    [10_000, 6_000n, 4_001, false],
    [0, 0n, 0, true],
  ])('total %i, other shares %p, new share %i → accepted: %p', (total, others, share, accepted) => {
    const check = () => assertSharesWithinTotal(total, others, share);
    if (accepted) expect(check).not.toThrow();
    else expect(check).toThrow(/at most|exceed/);
  });

  it('keeps allocations as a request names them, the other recipient null', () => {
    expect(
      budgetAllocations([
        { managerId: 'a', amountMinor: 1 },
        { orgUnitId: 'u', amountMinor: 2 },
      ]),
    ).toEqual([manager('a', 1), unit('u', 2)]);
  });
});
