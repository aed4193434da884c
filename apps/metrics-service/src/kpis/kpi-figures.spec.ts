import { buckets, perItem, ratio } from './kpi-figures';

describe('KPI figures', () => {
  it.each([
    [1, 4, 0.25],
    [2, 3, 0.6667],
    [0, 5, 0],
    [3, 0, null],
  ])('ratio(%d, %d) = %s', (part, whole, expected) => expect(ratio(part, whole)).toBe(expected));

  it.each([
    [1_000, 3, 333],
    [500, 0, null],
  ])('perItem(%d, %d) = %s', (total, count, expected) => expect(perItem(total, count)).toBe(expected));

  it.each([
    [
      'months, from mid-month',
      '2026-01-15',
      '2026-03-10',
      'month',
      [
        ['2026-01-15', '2026-02-01'],
        ['2026-02-01', '2026-03-01'],
        ['2026-03-01', '2026-03-10'],
      ],
    ],
    [
      'weeks',
      '2026-01-01',
      '2026-01-20',
      'week',
      [
        ['2026-01-01', '2026-01-08'],
        ['2026-01-08', '2026-01-15'],
        ['2026-01-15', '2026-01-20'],
      ],
    ],
    ['empty range', '2026-01-01', '2026-01-01', 'month', []],
  ] as const)('buckets: %s', (_, from, to, interval, expected) => {
    expect(buckets(from, to, interval).map((bucket) => [bucket.from, bucket.to])).toEqual(expected);
  });
});
