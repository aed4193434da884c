/** Order statistics of a sample, in the unit the values were recorded in. */
export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index];
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

export function median(values: number[]): number {
  return summarize(values).p50;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function ratio(ours: number, baseline: number): number {
  return baseline > 0 ? round(ours / baseline, 1) : Number.NaN;
}

/**
 * Milliseconds with sub-millisecond resolution for durations within this process. It follows the
 * monotonic clock from the process's start, so it drifts from the wall clock when the system's
 * clock is stepped: a moment compared with another process's time (a Kafka record's timestamp,
 * the browser's Date.now()) is taken with Date.now().
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
