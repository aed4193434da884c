/** KPI arithmetic, free of storage: ratios that say "null" rather than divide by nothing. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

export function perItem(total: number, count: number): number | null {
  return count === 0 ? null : Math.round(total / count);
}

export type Interval = 'week' | 'month';

/** Consecutive [from, to) buckets covering [from, to): calendar months, or weeks of 7 days from `from`. */
export function buckets(from: string, to: string, interval: Interval): Array<{ from: string; to: string }> {
  const result: Array<{ from: string; to: string }> = [];
  let start = new Date(from + 'T00:00:00Z');
  const end = new Date(to + 'T00:00:00Z');
  while (start < end && result.length < 520) {
    const next = new Date(start);
    if (interval === 'week') next.setUTCDate(next.getUTCDate() + 7);
    else next.setUTCMonth(next.getUTCMonth() + 1, 1);
    const bucketEnd = next < end ? next : end;
    result.push({ from: start.toISOString().slice(0, 10), to: bucketEnd.toISOString().slice(0, 10) });
    start = bucketEnd;
  }
  return result;
}
