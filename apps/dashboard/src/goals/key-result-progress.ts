/**
 * A key result's check-ins against where it should be: the expected line runs straight from the
 * baseline at the goal's start to the target at its end.
 */
export interface KeyResultLine {
  baseline: number;
  target: number;
}

export interface KeyResultPoint {
  day: number;
  expected: number | null;
  actual: number | null;
}

const at = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);

export function expectedAt(kr: KeyResultLine, periodStart: string, periodEnd: string, day: number): number {
  const start = at(periodStart);
  const end = at(periodEnd);
  const share = end <= start ? 1 : Math.min(1, Math.max(0, (day - start) / (end - start)));
  return kr.baseline + (kr.target - kr.baseline) * share;
}

export function keyResultSeries(
  kr: KeyResultLine,
  checkIns: Array<{ value: number; measuredOn: string }>,
  periodStart: string,
  periodEnd: string,
): KeyResultPoint[] {
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const points = new Map<number, KeyResultPoint>();
  for (const day of [at(periodStart), at(periodEnd)])
    points.set(day, { day, expected: round(expectedAt(kr, periodStart, periodEnd, day)), actual: null });
  points.get(at(periodStart))!.actual = kr.baseline;
  for (const checkIn of [...checkIns].sort((a, b) => a.measuredOn.localeCompare(b.measuredOn))) {
    const day = at(checkIn.measuredOn);
    points.set(day, { day, expected: round(expectedAt(kr, periodStart, periodEnd, day)), actual: checkIn.value });
  }
  return [...points.values()].sort((a, b) => a.day - b.day);
}
