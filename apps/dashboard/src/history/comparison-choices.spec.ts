import { comparisonChoices, defaultChoice } from './comparison-choices';

const NOW = new Date('2026-11-30T11:45:00Z');

describe('comparisonChoices', () => {
  it('offers every past day the score already existed at, then its first score', () => {
    const choices = comparisonChoices('2026-09-15T08:00:00.000Z', NOW);
    expect(choices).toEqual([
      { label: 'the end of 30 days ago', from: '2026-10-31T23:59:59.999Z' },
      { label: 'the end of 7 days ago', from: '2026-11-23T23:59:59.999Z' },
      { label: 'the end of yesterday', from: '2026-11-29T23:59:59.999Z' },
      { label: 'its first score', from: '2026-09-15T08:00:00.000Z' },
    ]);
    expect(defaultChoice(choices).label).toBe('the end of 30 days ago');
  });

  it('offers only the first score to a scope scored today, and picks it', () => {
    const choices = comparisonChoices('2026-11-30T09:00:00.000Z', NOW);
    expect(choices).toEqual([{ label: 'its first score', from: '2026-11-30T09:00:00.000Z' }]);
    expect(defaultChoice(choices)).toBe(choices[0]);
  });

  it('counts a score made at the very end of a day as there at that day', () => {
    expect(comparisonChoices('2026-11-29T23:59:59.999Z', NOW).map((choice) => choice.label)).toEqual([
      'the end of yesterday',
      'its first score',
    ]);
  });
});
