/**
 * A score's history as one point per day: the day's last value (its close). Scores change many
 * times a day (every event rescores), and a chart whose axis is days should not draw a minute's
 * churn as a trend. Points come oldest first, as the API answers them; days are UTC, like the scores'.
 */
export function dailyCloses<T extends { at: string }>(points: readonly T[]): Array<T & { day: number }> {
  const byDay = new Map<string, T>();
  for (const point of points) byDay.set(point.at.slice(0, 10), point);
  return [...byDay].map(([day, point]) => ({ ...point, day: Date.parse(`${day}T00:00:00Z`) }));
}
