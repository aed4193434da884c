import { configurationError, env, EnvOf } from '@throughline/config';
import { z } from 'zod';

export const NOTIFICATION_SETTINGS = Symbol('NOTIFICATION_SETTINGS');

const HOUR = 3_600_000;

/** The notification variables (validated with the service's others at boot). */
export const notificationEnvSchema = z.object({
  NOTIFY_SMTP_URL: env.url({
    description:
      'SMTP server that sends e-mail (`npm start` runs a local one with a web inbox); e-mail is off without it',
    protocols: ['smtp', 'smtps'],
  }),
  NOTIFY_FROM: env.string({
    description: 'sender of e-mail messages',
    default: 'Throughline <notifications@throughline.local>',
  }),
  NOTIFY_DASHBOARD_URL: env.url({
    description: 'address of the dashboard, for the links in messages',
    default: 'http://127.0.0.1:3000',
    protocols: ['http', 'https'],
  }),
  NOTIFY_UNSUBSCRIBE_URL: env.url({
    description: 'public address of this service, for the unsubscribe links in e-mail',
    default: 'http://127.0.0.1:3004',
    protocols: ['http', 'https'],
  }),
  NOTIFY_UNSUBSCRIBE_SECRET: env.string({
    description: 'key that signs unsubscribe links; required in production',
    defaultText: 'a fixed development key outside production',
  }),
  NOTIFY_DIGEST_WEEKDAY: env.integer({
    description: "day of the directors' weekly digest, in each person's time zone (1 = Monday … 7 = Sunday)",
    default: 1,
    min: 1,
    max: 7,
  }),
  NOTIFY_DIGEST_HOUR: env.integer({ description: 'hour the digest is sent from', default: 8, min: 0, max: 23 }),
  NOTIFY_REMINDER_HOUR: env.integer({
    description: "hour managers' reminders are sent from",
    default: 9,
    min: 0,
    max: 23,
  }),
  NOTIFY_STALE_DAYS: env.integer({
    description: 'days without an update after which an open task is in a reminder',
    default: 7,
    min: 1,
  }),
  NOTIFY_SCHEDULE_INTERVAL_MS: env.integer({
    description: 'how often due digests and reminders are looked for',
    default: 60_000,
    min: 10,
    unit: 'ms',
  }),
  NOTIFY_POLL_INTERVAL_MS: env.integer({
    description: 'how often messages due to be sent are looked for',
    default: 1_000,
    min: 5,
    unit: 'ms',
  }),
  NOTIFY_MAX_ATTEMPTS: env.integer({ description: 'send attempts before a message is failed', default: 10, min: 1 }),
  NOTIFY_BACKOFF_BASE_MS: env.integer({
    description: 'first retry delay of a message (doubles each attempt)',
    default: 30_000,
    min: 0,
    unit: 'ms',
  }),
  NOTIFY_BACKOFF_MAX_MS: env.integer({
    description: 'longest retry delay of a message',
    default: 2 * HOUR,
    min: 0,
    unit: 'ms',
  }),
});
export type NotificationEnv = EnvOf<typeof notificationEnvSchema>;

export interface NotificationSettings {
  production: boolean;
  smtpUrl: string | undefined;
  from: string;
  dashboardUrl: string;
  unsubscribeUrl: string;
  unsubscribeSecret: string;
  digestWeekday: number;
  digestHour: number;
  reminderHour: number;
  staleDays: number;
  scheduleIntervalMs: number;
  pollIntervalMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

const DEVELOPMENT_UNSUBSCRIBE_SECRET = 'throughline-development-unsubscribe-key';

export function notificationSettings(settings: NotificationEnv & { NODE_ENV?: string }): NotificationSettings {
  const production = settings.NODE_ENV === 'production';
  if (production && !settings.NOTIFY_UNSUBSCRIBE_SECRET)
    throw configurationError({
      variable: 'NOTIFY_UNSUBSCRIBE_SECRET',
      message: 'is required when NODE_ENV=production: a random string of at least 32 characters',
    });
  return {
    production,
    smtpUrl: settings.NOTIFY_SMTP_URL,
    from: settings.NOTIFY_FROM,
    dashboardUrl: settings.NOTIFY_DASHBOARD_URL.replace(/\/$/, ''),
    unsubscribeUrl: settings.NOTIFY_UNSUBSCRIBE_URL.replace(/\/$/, ''),
    unsubscribeSecret: settings.NOTIFY_UNSUBSCRIBE_SECRET ?? DEVELOPMENT_UNSUBSCRIBE_SECRET,
    digestWeekday: settings.NOTIFY_DIGEST_WEEKDAY,
    digestHour: settings.NOTIFY_DIGEST_HOUR,
    reminderHour: settings.NOTIFY_REMINDER_HOUR,
    staleDays: settings.NOTIFY_STALE_DAYS,
    scheduleIntervalMs: settings.NOTIFY_SCHEDULE_INTERVAL_MS,
    pollIntervalMs: settings.NOTIFY_POLL_INTERVAL_MS,
    maxAttempts: settings.NOTIFY_MAX_ATTEMPTS,
    backoffBaseMs: settings.NOTIFY_BACKOFF_BASE_MS,
    backoffMaxMs: settings.NOTIFY_BACKOFF_MAX_MS,
  };
}
