import { budgetOverTime, type TaskRecord } from './earned-value';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('budget over time', () => {
  const tasks: TaskRecord[] = [
    {
      plannedCostMinor: 10_000,
      dueDate: '2026-01-11',
      history: [
        { change: 'progress', details: { from: 0, to: 40 }, at: '2026-01-03T10:00:00Z' },
        { change: 'cost', details: { amountMinor: 3_000, incurredOn: '2026-01-02' }, at: '2026-01-05T09:00:00Z' },
        { change: 'status', details: { from: 'in_progress', to: 'done' }, at: '2026-01-06T16:00:00Z' },
      ],
    },
    { plannedCostMinor: 5_000, dueDate: null, history: [] },
  ];

  it('spreads planned cost to each due date, earns by progress, books cost on the day incurred', () => {
    const points = budgetOverTime(tasks, '2026-01-01', '2026-01-21', new Date('2026-01-07T12:00:00Z'));
    expect(points.map((point) => point.day)).toEqual(
      ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07'].map(day),
    );
    // Day 2: the first task is 1/10 of the way to its due date, the second 1/20 of the way to the goal's end.
    expect(points[1]).toEqual({ day: day('2026-01-02'), planned: 1_000 + 250, earned: 0, actual: 3_000 });
    expect(points[2].earned).toBe(4_000);
    expect(points[5].earned).toBe(10_000);
    expect(points[6]).toEqual({ day: day('2026-01-07'), planned: 6_000 + 1_500, earned: 10_000, actual: 3_000 });
  });

  it('stops at the end of the period, weekly over long periods, and is empty before the start', () => {
    const long = budgetOverTime(tasks, '2026-01-01', '2026-12-31', new Date('2027-02-01T00:00:00Z'));
    expect(long.at(-1)!.day).toBe(day('2026-12-31'));
    expect(long[1].day - long[0].day).toBe(7 * 86_400_000);
    expect(long.at(-1)!.planned).toBe(15_000);
    expect(budgetOverTime(tasks, '2026-01-01', '2026-01-21', new Date('2025-12-01T00:00:00Z'))).toEqual([]);
  });
});
