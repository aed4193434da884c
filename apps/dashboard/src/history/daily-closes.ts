/**
 * A score's daily closes (each UTC day's last score, as the API's `interval=day` answers them,
 * newest day first) in the order a chart draws them, oldest first, each placed at the start of its
 * day. A chart whose axis is days should not draw a minute's churn as a trend, and a newest-first
 * series is what keeps its end at today however long the history.
 */
export function chartDays<T extends { at: string }>(newestFirst: readonly T[]): Array<T & { day: number }> {
  return [...newestFirst]
    .reverse()
    .map((point) => ({ ...point, day: Date.parse(`${point.at.slice(0, 10)}T00:00:00Z`) }));
}
