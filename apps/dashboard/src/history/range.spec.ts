import { customRange, intervalFor, presetRange } from './range';

describe('history ranges', () => {
  const today = new Date('2026-03-15T17:30:00Z');

  it('ends a preset with today, to exclusive', () => {
    expect(presetRange('30d', today)).toEqual({ from: '2026-02-14', to: '2026-03-16' });
    expect(presetRange('365d', today)).toEqual({ from: '2025-03-16', to: '2026-03-16' });
  });

  it('takes a typed range with its end day included, or says which field is wrong', () => {
    expect(customRange('2026-01-01', '2026-01-31')).toEqual({ from: '2026-01-01', to: '2026-02-01' });
    expect(customRange('2026-02-01', '2026-01-31')).toEqual({
      field: 'to',
      message: 'The end must not be before the start.',
    });
    expect(customRange('', '2026-01-31')).toEqual({ field: 'from', message: 'Choose a start day.' });
  });

  it('charts weeks up to half a year and months beyond', () => {
    expect(intervalFor(presetRange('90d', today))).toBe('week');
    expect(intervalFor(presetRange('365d', today))).toBe('month');
  });
});
