import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications: read models kept from the event streams (people, goals, tasks, scores and
 * their history, alerts), each person's preferences, and the messages — rendered once, sent
 * at most once per person, kind, period and channel (the unique key makes redelivery and
 * restarts harmless).
 */
export class CreateNotifications1764000000500 implements MigrationInterface {
  name = 'CreateNotifications1764000000500';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE person_rm (
        person_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        name text NOT NULL,
        email text NOT NULL,
        role text NOT NULL,
        active boolean NOT NULL
      )`);
    await runner.query(`CREATE INDEX person_rm_org_idx ON person_rm (org_id)`);
    await runner.query(`
      CREATE TABLE goal_rm (
        goal_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        title text NOT NULL,
        owner_id uuid NOT NULL,
        status text NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE task_rm (
        task_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        manager_id uuid NOT NULL,
        title text NOT NULL,
        due_date date,
        status text NOT NULL,
        last_activity_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX task_rm_manager_idx ON task_rm (org_id, manager_id)`);
    await runner.query(`
      CREATE TABLE score_rm (
        scope text NOT NULL,
        scope_id uuid NOT NULL,
        org_id uuid NOT NULL,
        score double precision NOT NULL,
        band text NOT NULL,
        components jsonb NOT NULL,
        computed_at timestamptz NOT NULL,
        PRIMARY KEY (scope, scope_id)
      )`);
    await runner.query(`CREATE INDEX score_rm_org_idx ON score_rm (org_id, scope)`);
    await runner.query(`
      CREATE TABLE score_point_rm (
        scope text NOT NULL,
        scope_id uuid NOT NULL,
        org_id uuid NOT NULL,
        score double precision NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (scope, scope_id, at)
      )`);
    await runner.query(`
      CREATE TABLE alert_rm (
        alert_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        kind text NOT NULL,
        scope text NOT NULL,
        scope_id uuid NOT NULL,
        message text NOT NULL,
        raised_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX alert_rm_org_idx ON alert_rm (org_id, raised_at)`);
    await runner.query(`
      CREATE TABLE notification_preference (
        person_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        email_enabled boolean NOT NULL,
        chat_webhook_url text,
        chat_format text CHECK (chat_format IN ('slack', 'teams')),
        digest text NOT NULL CHECK (digest IN ('weekly', 'off')),
        reminders text NOT NULL CHECK (reminders IN ('daily', 'weekly', 'off')),
        alerts boolean NOT NULL,
        quiet_hours_start smallint CHECK (quiet_hours_start BETWEEN 0 AND 23),
        quiet_hours_end smallint CHECK (quiet_hours_end BETWEEN 0 AND 23),
        time_zone text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE notification_message (
        message_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        person_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('digest', 'reminder', 'alert')),
        period_key text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('email', 'chat')),
        destination text NOT NULL,
        subject text NOT NULL,
        body_text text NOT NULL,
        body_html text,
        chat_payload jsonb,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        leased_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CONSTRAINT notification_message_once UNIQUE (person_id, kind, period_key, channel)
      )`);
    await runner.query(
      `CREATE INDEX notification_message_due_idx ON notification_message (next_attempt_at) WHERE status = 'pending'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'notification_message',
      'notification_preference',
      'alert_rm',
      'score_point_rm',
      'score_rm',
      'task_rm',
      'goal_rm',
      'person_rm',
    ])
      await runner.query(`DROP TABLE ${table}`);
  }
}
