import { DeliveryPolicy } from './delivery-lifecycle';

export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');
export const CLOCK = Symbol('CLOCK');

/** Time, injectable so that tests and replays do not depend on the wall clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface WebhookSettings extends DeliveryPolicy {
  /** Production refuses plain HTTP and private addresses. */
  production: boolean;
  requestTimeoutMs: number;
  pollIntervalMs: number;
  /** Deliveries sent at once by one instance (to different endpoints or keys). */
  concurrency: number;
  /** Deliveries sent at once to one endpoint, so a slow endpoint cannot take every slot. */
  perEndpointConcurrency: number;
  /** How long a rotated-out secret keeps signing, unless the rotation says otherwise. */
  previousSecretGraceSeconds: number;
  /** Delivered and dead-lettered deliveries older than this are pruned (with events no delivery needs any more). */
  retentionMs: number;
  pruneIntervalMs: number;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** Defaults retry for about a day and a half and disable an endpoint after three days of failure. */
export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  return {
    production: env.NODE_ENV === 'production',
    maxAttempts: Math.max(1, positiveInt(env, 'WEBHOOK_MAX_ATTEMPTS', 15)),
    backoffBaseMs: positiveInt(env, 'WEBHOOK_BACKOFF_BASE_MS', 10_000),
    backoffMaxMs: positiveInt(env, 'WEBHOOK_BACKOFF_MAX_MS', 6 * 3_600_000),
    disableAfterFailures: Math.max(1, positiveInt(env, 'WEBHOOK_DISABLE_AFTER_FAILURES', 15)),
    disableAfterMs: positiveInt(env, 'WEBHOOK_DISABLE_AFTER_MS', 3 * 24 * 3_600_000),
    requestTimeoutMs: Math.max(100, positiveInt(env, 'WEBHOOK_TIMEOUT_MS', 10_000)),
    pollIntervalMs: Math.max(5, positiveInt(env, 'WEBHOOK_POLL_INTERVAL_MS', 500)),
    concurrency: Math.max(1, positiveInt(env, 'WEBHOOK_CONCURRENCY', 16)),
    perEndpointConcurrency: Math.max(1, positiveInt(env, 'WEBHOOK_PER_ENDPOINT_CONCURRENCY', 4)),
    previousSecretGraceSeconds: positiveInt(env, 'WEBHOOK_PREVIOUS_SECRET_GRACE_SECONDS', 24 * 3600),
    retentionMs: positiveInt(env, 'WEBHOOK_RETENTION_MS', 30 * 24 * 3_600_000),
    pruneIntervalMs: Math.max(10, positiveInt(env, 'WEBHOOK_PRUNE_INTERVAL_MS', 3_600_000)),
  };
}
