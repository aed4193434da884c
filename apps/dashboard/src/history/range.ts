/** Periods for history charts and KPIs: `from` inclusive, `to` exclusive, as calendar days (UTC). */
export type RangePreset = '30d' | '90d' | '180d' | '365d';

export const RANGE_PRESETS: Array<{ value: RangePreset; label: string; days: number }> = [
  { value: '30d', label: 'Last 30 days', days: 30 },
  { value: '90d', label: 'Last 90 days', days: 90 },
  { value: '180d', label: 'Last 6 months', days: 180 },
  { value: '365d', label: 'Last 12 months', days: 365 },
];

export interface DayRange {
  from: string;
  to: string;
}

export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(isoDay: string, days: number): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return day(date);
}

/** The preset's period ending with today (today included). */
export function presetRange(preset: RangePreset, today: Date): DayRange {
  const days = RANGE_PRESETS.find((candidate) => candidate.value === preset)!.days;
  const to = addDays(day(today), 1);
  return { from: addDays(to, -days), to };
}

/** A range typed by a person: both days, `from` before `to`; otherwise the reason, for the field. */
export function customRange(from: string, to: string): DayRange | { field: 'from' | 'to'; message: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) return { field: 'from', message: 'Choose a start day.' };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) return { field: 'to', message: 'Choose an end day.' };
  if (from > to) return { field: 'to', message: 'The end must not be before the start.' };
  return { from, to: addDays(to, 1) };
}

/** Weekly points for up to half a year, monthly beyond: a chart of about 6 to 26 points. */
export function intervalFor(range: DayRange): 'week' | 'month' {
  const days = (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000;
  return days > 190 ? 'month' : 'week';
}
