/** Today's calendar day in UTC (YYYY-MM-DD): what "in the future" is measured against. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}
