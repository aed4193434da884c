import { addDays, day } from './range';

export interface ComparisonChoice {
  label: string;
  /** The earlier time compared with now (ISO): the end of a past day, or the first score itself. */
  from: string;
}

const DAYS_BACK: Array<[number, string]> = [
  [90, '90 days ago'],
  [30, '30 days ago'],
  [7, '7 days ago'],
  [1, 'yesterday'],
];

/**
 * What a score may be compared with: the ends of past days it already had a score at, and its first
 * score (always there, so a scope scored only today still shows how it moved since).
 */
export function comparisonChoices(firstScoreAt: string, now: Date): ComparisonChoice[] {
  const dayEnd = (daysBack: number) => `${addDays(day(now), -daysBack)}T23:59:59.999Z`;
  return [
    ...DAYS_BACK.filter(([daysBack]) => dayEnd(daysBack) >= firstScoreAt).map(([daysBack, label]) => ({
      label: `the end of ${label}`,
      from: dayEnd(daysBack),
    })),
    { label: 'its first score', from: firstScoreAt },
  ];
}

/** 30 days back when the score goes back that far, else the longest span it has. */
export function defaultChoice(choices: ComparisonChoice[]): ComparisonChoice {
  return choices.find((choice) => choice.label === 'the end of 30 days ago') ?? choices[choices.length - 1];
}
