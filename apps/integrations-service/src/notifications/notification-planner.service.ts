import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, CLOCK } from '@throughline/service-kit';
import { asEmail, asSlack, asTeams } from './message-formats.rules';
import { alertMessage, AlertFacts, Band, digestMessage, Message, reminderMessage } from './messages.rules';
import { Preferences, preferencesOf, unsubscribeToken } from './notification-preferences';
import { NOTIFICATION_SETTINGS, NotificationSettings } from './notification-settings';
import { currentPeriod, duePeriod, localTime, sendableFrom, tasksToRemind } from './schedule.rules';

export type MessageKind = 'digest' | 'reminder' | 'alert';

/** People a "send now" reached: queued now, queued earlier in the period, or with nothing to send (no content, no channel, off). */
export interface QueueOutcome {
  queued: number;
  alreadyQueued: number;
  nothingToSend: number;
}

interface Recipient {
  personId: string;
  orgId: string;
  name: string;
  email: string;
  role: string;
  preferences: Preferences;
}

const DAY = 86_400_000;

/**
 * Decides who gets which message for which period, builds it from the read models and queues it
 * once per person, kind, period and channel (the table's unique key): the scheduler, the
 * "send now" endpoints and alerts all come through here.
 */
@Injectable()
export class NotificationPlanner {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Queues what is due now for everyone (digests and reminders); returns the number of messages queued. */
  async queueDue(): Promise<number> {
    const now = this.clock.now();
    let queued = 0;
    for (const person of await this.recipients(this.dataSource.manager)) {
      const { preferences } = person;
      const local = localTime(now, preferences.timeZone);
      const digest = duePeriod(preferences.digest, local, {
        weekday: this.settings.digestWeekday,
        hour: this.settings.digestHour,
      });
      if (digest && person.role !== 'manager')
        queued += Number((await this.queueOnce(person, 'digest', digest, preferences)) === 'queued');
      const reminder = duePeriod(preferences.reminders, local, {
        weekday: this.settings.digestWeekday,
        hour: this.settings.reminderHour,
      });
      if (reminder && person.role === 'manager')
        queued += Number((await this.queueOnce(person, 'reminder', reminder, preferences)) === 'queued');
    }
    await this.dataSource.query(`DELETE FROM score_point_rm WHERE at < $1`, [new Date(now.getTime() - 35 * DAY)]);
    return queued;
  }

  /**
   * Queues the digest (or reminder) of the current period now, for these people of the
   * organisation (or all who receive that kind); one already queued for the period is not
   * queued again. Returns how many people got one now and how many had one already. What a
   * person asks for themselves goes out at once; quiet hours hold what is sent to others.
   */
  async queueNow(
    orgId: string,
    kind: 'digest' | 'reminder',
    requestedBy: string,
    personIds?: string[],
  ): Promise<QueueOutcome> {
    const outcome: QueueOutcome = { queued: 0, alreadyQueued: 0, nothingToSend: 0 };
    const role = kind === 'digest' ? ['director', 'admin'] : ['manager'];
    const people = (await this.recipients(this.dataSource.manager, orgId)).filter(
      (person) => role.includes(person.role) && (!personIds || personIds.includes(person.personId)),
    );
    for (const person of people) {
      const { preferences } = person;
      if ((kind === 'digest' ? preferences.digest : preferences.reminders) === 'off') {
        outcome.nothingToSend += 1;
        continue;
      }
      const local = localTime(this.clock.now(), preferences.timeZone);
      const period = currentPeriod(kind === 'digest' ? 'weekly' : 'daily', local);
      const result = await this.queueOnce(person, kind, period, preferences, person.personId === requestedBy);
      outcome[result === 'queued' ? 'queued' : result === 'already' ? 'alreadyQueued' : 'nothingToSend'] += 1;
    }
    return outcome;
  }

  /** Queues an alert for everyone of the organisation who takes alerts, in the transaction that records it. */
  async queueAlert(tx: EntityManager, orgId: string, alert: Omit<AlertFacts, 'dashboardUrl'> & { alertId: string }) {
    for (const person of await this.recipients(tx, orgId)) {
      const { preferences } = person;
      if (!preferences.alerts) continue;
      const message = alertMessage({ ...alert, dashboardUrl: this.settings.dashboardUrl });
      await this.enqueue(tx, person, 'alert', alert.alertId, message, preferences);
    }
  }

  private async queueOnce(
    person: Recipient,
    kind: MessageKind,
    period: string,
    preferences: Preferences,
    askedForThemselves = false,
  ): Promise<'queued' | 'already' | 'nothing'> {
    const [sent] = await this.dataSource.query(
      `SELECT 1 FROM notification_message WHERE person_id = $1 AND kind = $2 AND period_key = $3 LIMIT 1`,
      [person.personId, kind, period],
    );
    if (sent) return 'already';
    const message =
      kind === 'digest' ? await this.digest(person, period, preferences) : await this.reminder(person, preferences);
    if (!message) return 'nothing';
    const queued = await this.dataSource.transaction((tx) =>
      this.enqueue(tx, person, kind, period, message, preferences, askedForThemselves),
    );
    // Zero rows: no channel (e-mail off and no chat), or another instance queued it a moment ago.
    return queued > 0 ? 'queued' : 'nothing';
  }

  private async digest(person: Recipient, week: string, preferences: Preferences): Promise<Message> {
    const now = this.clock.now();
    const weekAgo = new Date(now.getTime() - 7 * DAY);
    const scores: Array<{
      scope: string;
      scope_id: string;
      score: number;
      band: Band;
      components: any;
      week_ago: number | null;
      title: string | null;
    }> = await this.dataSource.query(
      `SELECT s.scope, s.scope_id, s.score, s.band, s.components, g.title,
           (SELECT p.score FROM score_point_rm p WHERE p.scope = s.scope AND p.scope_id = s.scope_id AND p.at <= $2
             ORDER BY p.at DESC LIMIT 1) AS week_ago
         FROM score_rm s LEFT JOIN goal_rm g ON s.scope = 'goal' AND g.goal_id = s.scope_id
         WHERE s.org_id = $1 AND (s.scope = 'organisation' OR (s.scope = 'goal' AND g.status = 'active'))`,
      [person.orgId, weekAgo],
    );
    const organisation = scores.find((row) => row.scope === 'organisation');
    const alerts: Array<{ message: string; raised_at: Date }> = await this.dataSource.query(
      `SELECT message, raised_at FROM alert_rm WHERE org_id = $1 AND raised_at >= $2 ORDER BY raised_at DESC LIMIT 10`,
      [person.orgId, weekAgo],
    );
    const today = localTime(now, preferences.timeZone).date;
    const [{ overdue }] = await this.dataSource.query(
      `SELECT count(*)::int AS overdue FROM task_rm
       WHERE org_id = $1 AND due_date < $2 AND status NOT IN ('done', 'cancelled')`,
      [person.orgId, today],
    );
    return digestMessage({
      recipient: person.name,
      week,
      organisation: organisation
        ? {
            score: organisation.score,
            band: organisation.band,
            weekAgo: organisation.week_ago,
            components: organisation.components,
          }
        : null,
      goals: scores
        .filter((row) => row.scope === 'goal')
        .map((row) => ({
          goalId: row.scope_id,
          title: row.title ?? 'A goal',
          score: row.score,
          band: row.band,
          weekAgo: row.week_ago,
        })),
      newAlerts: alerts.map((alert) => ({ message: alert.message, raisedAt: alert.raised_at })),
      overdueTasks: overdue,
      dashboardUrl: this.settings.dashboardUrl,
    });
  }

  private async reminder(person: Recipient, preferences: Preferences): Promise<Message | null> {
    const now = this.clock.now();
    const today = localTime(now, preferences.timeZone).date;
    const tasks: Array<{ task_id: string; title: string; due_date: string | null; last_activity_at: Date }> =
      await this.dataSource.query(
        `SELECT task_id, title, to_char(due_date, 'YYYY-MM-DD') AS due_date, last_activity_at FROM task_rm
         WHERE org_id = $1 AND manager_id = $2 AND status NOT IN ('done', 'cancelled')`,
        [person.orgId, person.personId],
      );
    const { overdue, stale } = tasksToRemind(
      tasks.map((task) => ({
        taskId: task.task_id,
        title: task.title,
        dueDate: task.due_date,
        lastActivityAt: task.last_activity_at,
      })),
      today,
      now,
      this.settings.staleDays,
    );
    return reminderMessage({
      recipient: person.name,
      overdue,
      stale,
      staleDays: this.settings.staleDays,
      today,
      dashboardUrl: this.settings.dashboardUrl,
    });
  }

  /** One row per channel the person takes, rendered now; returns the rows queued (0 when the period had them already). */
  private async enqueue(
    tx: EntityManager,
    person: Recipient,
    kind: MessageKind,
    period: string,
    message: Message,
    preferences: Preferences,
    askedForThemselves = false,
  ): Promise<number> {
    const now = this.clock.now();
    const sendFrom = askedForThemselves
      ? now
      : sendableFrom(now, {
          start: preferences.quietHoursStart,
          end: preferences.quietHoursEnd,
          timeZone: preferences.timeZone,
        });
    const rows: Array<{
      channel: 'email' | 'chat';
      destination: string;
      text: string;
      html: string | null;
      chat: object | null;
    }> = [];
    if (preferences.emailEnabled && this.settings.smtpUrl) {
      const link = `${this.settings.unsubscribeUrl}/v1/notifications/unsubscribe?person=${person.personId}&token=${unsubscribeToken(person.personId, this.settings.unsubscribeSecret)}`;
      const email = asEmail(message, link);
      rows.push({ channel: 'email', destination: person.email, text: email.text, html: email.html, chat: null });
    }
    if (preferences.chatWebhookUrl)
      rows.push({
        channel: 'chat',
        destination: preferences.chatWebhookUrl,
        text: message.headline,
        html: null,
        chat: preferences.chatFormat === 'teams' ? asTeams(message) : asSlack(message),
      });
    let queued = 0;
    for (const row of rows) {
      const inserted = await tx.query(
        `INSERT INTO notification_message (org_id, person_id, kind, period_key, channel, destination, subject, body_text,
           body_html, chat_payload, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT ON CONSTRAINT notification_message_once DO NOTHING RETURNING message_id`,
        [
          person.orgId,
          person.personId,
          kind,
          period,
          row.channel,
          row.destination,
          message.subject,
          row.text,
          row.html,
          row.chat && JSON.stringify(row.chat),
          sendFrom,
        ],
      );
      queued += inserted.length;
    }
    return queued;
  }

  /** The active people (of one organisation), each with their preferences: one query however many they are. */
  private async recipients(manager: EntityManager, orgId?: string): Promise<Recipient[]> {
    const rows: Array<Omit<Recipient, 'preferences'> & { preference: Record<string, unknown> | null }> =
      await manager.query(
        `SELECT p.person_id AS "personId", p.org_id AS "orgId", p.name, p.email, p.role, to_jsonb(np) AS preference
         FROM person_rm p LEFT JOIN notification_preference np ON np.person_id = p.person_id
         WHERE p.active ${orgId ? 'AND p.org_id = $1' : ''} ORDER BY p.person_id`,
        orgId ? [orgId] : [],
      );
    return rows.map(({ preference, ...person }) => ({
      ...person,
      preferences: preferencesOf(preference, person.role),
    }));
  }
}
