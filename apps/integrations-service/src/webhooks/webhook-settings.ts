import { configurationError, env, EnvOf, runtimeEnvSchema } from '@throughline/config';
import { z } from 'zod';
import { DeliveryPolicy } from './delivery-lifecycle';
import { DEVELOPMENT_SECRET_KEY, parseSecretKeys, SecretBox } from './webhook-secret-box';

export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

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
  /** Seals signing secrets before they are stored, opens them to sign. */
  secrets: SecretBox;
}

const HOUR = 3_600_000;

/** The webhook variables (validated with the shared ones at boot). Defaults retry for about a day and a half and disable an endpoint after three days of failure. */
export const webhookEnvSchema = z.object({
  ...runtimeEnvSchema.shape,
  WEBHOOK_MAX_ATTEMPTS: env.integer({
    description: 'delivery attempts before a delivery is dead-lettered',
    default: 15,
    min: 1,
  }),
  WEBHOOK_BACKOFF_BASE_MS: env.integer({
    description: 'first retry delay (doubles each attempt, jittered)',
    default: 10_000,
    min: 0,
    unit: 'ms',
  }),
  WEBHOOK_BACKOFF_MAX_MS: env.integer({ description: 'longest retry delay', default: 6 * HOUR, min: 0, unit: 'ms' }),
  WEBHOOK_DISABLE_AFTER_FAILURES: env.integer({
    description: 'consecutive failures that, with the time below, disable an endpoint',
    default: 15,
    min: 1,
  }),
  WEBHOOK_DISABLE_AFTER_MS: env.integer({
    description: 'how long an endpoint must have failed before it is disabled',
    default: 72 * HOUR,
    min: 0,
    unit: 'ms',
  }),
  WEBHOOK_TIMEOUT_MS: env.integer({
    description: 'time an endpoint has to answer',
    default: 10_000,
    min: 100,
    unit: 'ms',
  }),
  WEBHOOK_POLL_INTERVAL_MS: env.integer({
    description: 'how often due deliveries are looked for',
    default: 500,
    min: 5,
    unit: 'ms',
  }),
  WEBHOOK_CONCURRENCY: env.integer({ description: 'deliveries in flight per instance', default: 16, min: 1 }),
  WEBHOOK_PER_ENDPOINT_CONCURRENCY: env.integer({
    description: 'deliveries in flight per endpoint',
    default: 4,
    min: 1,
  }),
  WEBHOOK_PREVIOUS_SECRET_GRACE_SECONDS: env.integer({
    description: 'how long a rotated-out secret still signs',
    default: 24 * 3600,
    min: 0,
    unit: 's',
  }),
  WEBHOOK_RETENTION_MS: env.integer({
    description: 'delivered and dead-lettered deliveries older than this are pruned',
    default: 30 * 24 * HOUR,
    min: 0,
    unit: 'ms',
  }),
  WEBHOOK_SECRET_KEYS: env.string({
    description:
      'keys that encrypt signing secrets at rest (AES-256-GCM); the first encrypts, all decrypt; required in production',
    defaultText: 'a fixed development key outside production',
    pattern: /^[A-Za-z0-9_-]{1,40}:[A-Za-z0-9+/]{43}=(\s*,\s*[A-Za-z0-9_-]{1,40}:[A-Za-z0-9+/]{43}=)*$/,
    allowed: '`id:<32 bytes in base64>[,id:…]`',
  }),
  WEBHOOK_PRUNE_INTERVAL_MS: env.integer({
    description: 'how often deliveries are pruned',
    default: HOUR,
    min: 10,
    unit: 'ms',
  }),
});
export type WebhookEnv = EnvOf<typeof webhookEnvSchema>;

export function webhookSettings(settings: WebhookEnv): WebhookSettings {
  const production = settings.NODE_ENV === 'production';
  if (production && !settings.WEBHOOK_SECRET_KEYS)
    throw configurationError({
      variable: 'WEBHOOK_SECRET_KEYS',
      message: 'is required when NODE_ENV=production: `id:<32 random bytes in base64>` (openssl rand -base64 32)',
    });
  return {
    secrets: new SecretBox(
      settings.WEBHOOK_SECRET_KEYS ? parseSecretKeys(settings.WEBHOOK_SECRET_KEYS)! : [DEVELOPMENT_SECRET_KEY],
    ),
    production,
    maxAttempts: settings.WEBHOOK_MAX_ATTEMPTS,
    backoffBaseMs: settings.WEBHOOK_BACKOFF_BASE_MS,
    backoffMaxMs: settings.WEBHOOK_BACKOFF_MAX_MS,
    disableAfterFailures: settings.WEBHOOK_DISABLE_AFTER_FAILURES,
    disableAfterMs: settings.WEBHOOK_DISABLE_AFTER_MS,
    requestTimeoutMs: settings.WEBHOOK_TIMEOUT_MS,
    pollIntervalMs: settings.WEBHOOK_POLL_INTERVAL_MS,
    concurrency: settings.WEBHOOK_CONCURRENCY,
    perEndpointConcurrency: settings.WEBHOOK_PER_ENDPOINT_CONCURRENCY,
    previousSecretGraceSeconds: settings.WEBHOOK_PREVIOUS_SECRET_GRACE_SECONDS,
    retentionMs: settings.WEBHOOK_RETENTION_MS,
    pruneIntervalMs: settings.WEBHOOK_PRUNE_INTERVAL_MS,
  };
}
