import { KPI_CATEGORIES } from '@throughline/contracts';
import { invalid } from '@throughline/service-kit/domain';

export type KpiCategory = (typeof KPI_CATEGORIES)[number];
export const KEY_RESULT_DIRECTIONS = ['increase', 'decrease'] as const;
export type KeyResultDirection = (typeof KEY_RESULT_DIRECTIONS)[number];

/** A key result must ask for movement in its own direction: otherwise it is met on day one, or never. */
export function assertTargetMatchesDirection(baseline: number, target: number, direction: KeyResultDirection): void {
  const moves = direction === 'increase' ? target > baseline : target < baseline;
  if (moves) return;
  const relation = direction === 'increase' ? 'above' : 'below';
  throw invalid(
    `A key result to ${direction} needs a target ${relation} its baseline (baseline ${baseline}, target ${target}).`,
    [{ field: 'target', message: `must be ${relation} the baseline (${baseline}) for direction ${direction}` }],
  );
}
