import { dailyCloses } from './daily-closes';

describe('daily closes of a score history', () => {
  it("keeps each day's last point, placed at the start of its day", () => {
    const points = [
      { at: '2026-03-01T09:00:00.000Z', score: 40 },
      { at: '2026-03-01T09:00:01.000Z', score: 10 },
      { at: '2026-03-01T17:30:00.000Z', score: 62 },
      { at: '2026-03-03T08:00:00.000Z', score: 70 },
    ];
    expect(dailyCloses(points)).toEqual([
      { at: '2026-03-01T17:30:00.000Z', score: 62, day: Date.parse('2026-03-01T00:00:00Z') },
      { at: '2026-03-03T08:00:00.000Z', score: 70, day: Date.parse('2026-03-03T00:00:00Z') },
    ]);
  });

  it('answers nothing for nothing, and one point for a day of changes', () => {
    expect(dailyCloses([])).toEqual([]);
    expect(
      dailyCloses([
        { at: '2026-03-01T09:00:00.000Z', score: 40 },
        { at: '2026-03-01T09:05:00.000Z', score: 45 },
      ]),
    ).toHaveLength(1);
  });
});
