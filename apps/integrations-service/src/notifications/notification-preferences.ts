import { createHmac, timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Cadence } from './schedule.rules';

export type ChatFormat = 'slack' | 'teams';

/** What a person receives, where, and when not. */
export interface Preferences {
  emailEnabled: boolean;
  chatWebhookUrl: string | null;
  chatFormat: ChatFormat | null;
  digest: 'weekly' | 'off';
  reminders: Cadence;
  alerts: boolean;
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
  timeZone: string;
}

/** Until a person chooses: directors get the weekly digest and alerts, managers a daily reminder, by e-mail. */
export function defaultPreferences(role: string): Preferences {
  const directs = role === 'director' || role === 'admin';
  return {
    emailEnabled: true,
    chatWebhookUrl: null,
    chatFormat: null,
    digest: directs ? 'weekly' : 'off',
    reminders: role === 'manager' ? 'daily' : 'off',
    alerts: directs,
    quietHoursStart: null,
    quietHoursEnd: null,
    timeZone: 'UTC',
  };
}

export async function readPreferences(
  tx: EntityManager,
  person: { personId: string; role: string },
): Promise<Preferences> {
  const [row] = await tx.query(`SELECT * FROM notification_preference WHERE person_id = $1`, [person.personId]);
  return preferencesOf(row, person.role);
}

/** A person's preferences from their notification_preference row (as the table names its columns), or the defaults of their role without one. */
export function preferencesOf(row: Record<string, any> | null | undefined, role: string): Preferences {
  if (!row) return defaultPreferences(role);
  return {
    emailEnabled: row.email_enabled,
    chatWebhookUrl: row.chat_webhook_url,
    chatFormat: row.chat_format,
    digest: row.digest,
    reminders: row.reminders,
    alerts: row.alerts,
    quietHoursStart: row.quiet_hours_start,
    quietHoursEnd: row.quiet_hours_end,
    timeZone: row.time_zone,
  };
}

export async function writePreferences(
  tx: EntityManager,
  person: { personId: string; orgId: string },
  preferences: Preferences,
): Promise<void> {
  const p = preferences;
  await tx.query(
    `INSERT INTO notification_preference (person_id, org_id, email_enabled, chat_webhook_url, chat_format, digest,
       reminders, alerts, quiet_hours_start, quiet_hours_end, time_zone, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
     ON CONFLICT (person_id) DO UPDATE SET email_enabled = $3, chat_webhook_url = $4, chat_format = $5, digest = $6,
       reminders = $7, alerts = $8, quiet_hours_start = $9, quiet_hours_end = $10, time_zone = $11, updated_at = now()`,
    [
      person.personId,
      person.orgId,
      p.emailEnabled,
      p.chatWebhookUrl,
      p.chatFormat,
      p.digest,
      p.reminders,
      p.alerts,
      p.quietHoursStart,
      p.quietHoursEnd,
      p.timeZone,
    ],
  );
}

/** The token of a person's unsubscribe link: only this service can make one, so the link needs no sign-in. */
export function unsubscribeToken(personId: string, secret: string): string {
  return createHmac('sha256', secret).update(`unsubscribe:${personId}`).digest('base64url');
}

export function isUnsubscribeToken(personId: string, token: string, secret: string): boolean {
  const expected = Buffer.from(unsubscribeToken(personId, secret));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
