import { expectedAt, keyResultSeries } from './key-result-progress';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('key result progress', () => {
  const kr = { baseline: 40, target: 30 };

  it('expects a straight line from baseline to target over the period, also for decreasing results', () => {
    expect(expectedAt(kr, '2026-01-01', '2026-01-11', day('2026-01-06'))).toBe(35);
    expect(expectedAt(kr, '2026-01-01', '2026-01-11', day('2027-01-01'))).toBe(30);
    expect(expectedAt(kr, '2026-01-01', '2026-01-11', day('2025-01-01'))).toBe(40);
  });

  it('starts at the baseline and puts each check-in beside what was expected that day', () => {
    const series = keyResultSeries(
      kr,
      [
        { value: 36, measuredOn: '2026-01-06' },
        { value: 38, measuredOn: '2026-01-03' },
      ],
      '2026-01-01',
      '2026-01-11',
    );
    expect(series).toEqual([
      { day: day('2026-01-01'), expected: 40, actual: 40 },
      { day: day('2026-01-03'), expected: 38, actual: 38 },
      { day: day('2026-01-06'), expected: 35, actual: 36 },
      { day: day('2026-01-11'), expected: 30, actual: null },
    ]);
  });
});
