import { env, EnvOf } from '@throughline/config';
import { z } from 'zod';

/** The metrics service's own variables (validated with the shared ones at boot). */
export const metricsEnvSchema = z.object({
  METRICS_CLOCK: env.oneOf(['system', 'manual'], {
    description: "metrics' clock: `manual` only moves when told (tests, demos)",
    default: 'system',
  }),
  METRICS_CLOCK_START: env.timestamp({
    description: 'where a manual clock starts',
    default: new Date('2026-01-01T00:00:00.000Z'),
  }),
  METRICS_TIME_PASS_INTERVAL_MS: env.integer({
    description: "how often scores are moved to the clock's day (what crossed a date is rescored); 0 turns it off",
    default: 60_000,
    min: 0,
    unit: 'milliseconds',
  }),
  METRICS_MEMORY_MAX_ENTRIES: env.integer({
    description:
      'most entries (tasks, scopes, chains) kept in memory across the organisations an instance owns; the least recently applied organisations are let go beyond it; 0 keeps nothing between batches',
    default: 250_000,
    min: 0,
  }),
});
export type MetricsEnv = EnvOf<typeof metricsEnvSchema>;
