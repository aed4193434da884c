import { chartDays } from './daily-closes';

describe('daily closes of a score, for a chart', () => {
  it('turns the newest-first closes oldest first, each placed at the start of its day', () => {
    const closes = [
      { at: '2026-03-03T08:00:00.000Z', score: 70 },
      { at: '2026-03-01T17:30:00.000Z', score: 62 },
    ];
    expect(chartDays(closes)).toEqual([
      { at: '2026-03-01T17:30:00.000Z', score: 62, day: Date.parse('2026-03-01T00:00:00Z') },
      { at: '2026-03-03T08:00:00.000Z', score: 70, day: Date.parse('2026-03-03T00:00:00Z') },
    ]);
    expect(closes[0].score).toBe(70);
  });

  it('answers nothing for nothing', () => {
    expect(chartDays([])).toEqual([]);
  });
});
