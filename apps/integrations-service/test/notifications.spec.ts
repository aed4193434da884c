import { randomUUID } from 'node:crypto';
import {
  AlertRaisedV1,
  AlignmentScoreChangedV1,
  GoalActivatedV1,
  GoalCreatedV1,
  PersonCreatedV1,
  createEvent,
  EventOf,
  TaskCreatedV1,
  TaskProgressReportedV1,
  TaskUpdatedV1,
} from '@throughline/contracts';
import {
  apiAs,
  ApiClient,
  EventFeed,
  SmtpInbox,
  startTestService,
  TestService,
  TestWebhookReceiver,
  uniqueTag,
  waitFor,
} from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { integrationsDatabase } from '../src/database/integrations-database';
import { runBeforeCommit } from '@throughline/messaging';
import { NotificationFactsHandler } from '../src/notifications/notification-facts.handler';
import { NotificationPlanner } from '../src/notifications/notification-planner.service';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const day = (days: number) => ago(days).slice(0, 10);

/**
 * Digests, reminders and alerts from real events, through a real SMTP server and a real chat
 * receiver: what arrives, once per person and period, and what happens when the mail server fails.
 */
describe('notifications (real Kafka, PostgreSQL, SMTP server and chat receiver)', () => {
  const tag = uniqueTag();
  const orgId = randomUUID();
  const dana = { personId: randomUUID(), email: 'dana@acme.example' };
  const mia = { personId: randomUUID(), email: 'mia@acme.example' };
  const chris = { personId: randomUUID(), email: 'chris@acme.example' };
  const goalId = randomUUID();
  let service: TestService;
  let inbox: SmtpInbox;
  let chat: TestWebhookReceiver;
  let feed: EventFeed;
  let asDana: ApiClient;

  const person = (who: { personId: string; email: string }, name: string, role: string) =>
    feed.publish(
      PersonCreatedV1,
      { ...PersonCreatedV1.example, personId: who.personId, name, email: who.email, role: role as never, active: true },
      ago(30),
    );
  const messages = (personId: string, kind: string) =>
    service.dataSource.query(
      `SELECT channel, status, attempts FROM notification_message WHERE person_id = $1 AND kind = $2 ORDER BY channel`,
      [personId, kind],
    );
  const allSent = async (personId: string, kind: string, channels: number) => {
    const rows = await messages(personId, kind);
    return rows.length === channels && rows.every((row: { status: string }) => row.status === 'sent')
      ? rows
      : undefined;
  };

  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    chat = await TestWebhookReceiver.start(() => 200);
    service = await startTestService(AppModule, {
      tag,
      database: integrationsDatabase,
      env: {
        NOTIFY_SMTP_URL: inbox.url,
        NOTIFY_POLL_INTERVAL_MS: '50',
        NOTIFY_BACKOFF_BASE_MS: '100',
        // The schedule is driven by the test (queueDue), so a tick cannot freeze a digest before its facts arrive.
        NOTIFY_SCHEDULE_INTERVAL_MS: '3600000',
        NOTIFY_DIGEST_WEEKDAY: '1',
        NOTIFY_DIGEST_HOUR: '0',
        NOTIFY_REMINDER_HOUR: '0',
      },
    });
    feed = await EventFeed.start(tag, orgId);
    asDana = await apiAs(service.url, { personId: dana.personId, orgId, role: 'director' });

    await person(dana, 'Dana Director', 'director');
    await person(mia, 'Mia Manager', 'manager');
    await feed.publish(
      GoalCreatedV1,
      { ...GoalCreatedV1.example, goalId, ownerId: dana.personId, title: 'Launch the X100', status: 'draft' },
      ago(30),
    );
    await feed.publish(GoalActivatedV1, { ...GoalActivatedV1.example, goalId }, ago(30));
    const task = (title: string, dueDate: string, createdDaysAgo: number) =>
      feed.publish(
        TaskCreatedV1,
        { ...TaskCreatedV1.example, taskId: randomUUID(), goalId, managerId: mia.personId, title, dueDate },
        ago(createdDaysAgo),
      );
    await task('Pilot production run', day(3), 20); // overdue
    await task('Supplier audit', day(-30), 12); // quiet for 12 days
    await task('Retail training', day(-30), 1); // recently touched: no reminder
    for (const [scope, scopeId, before, now] of [
      ['organisation', orgId, 80, 65],
      ['goal', goalId, 70, 55],
    ] as const) {
      for (const [score, when] of [
        [before, ago(9)],
        [now, ago(0.01)],
      ] as const)
        await feed.publish(
          AlignmentScoreChangedV1,
          {
            scope,
            scopeId,
            score,
            previousScore: null,
            band: score >= 70 ? 'on_track' : 'at_risk',
            components: [{ name: 'schedule', value: score, weight: 1 }],
            computedAt: when,
          },
          when,
        );
    }
    await waitFor(
      async () => {
        const [row] = await service.dataSource.query(
          `SELECT count(*)::int AS n FROM score_point_rm WHERE org_id = $1`,
          [orgId],
        );
        return row.n === 4;
      },
      { what: 'the read models to take the events in' },
    );
  });

  afterAll(async () => {
    await feed?.stop();
    await service?.stop();
    await chat?.stop();
    await inbox?.stop();
  });

  it('refuses preferences it cannot honour, naming the field', async () => {
    const choice = {
      emailEnabled: true,
      chatWebhookUrl: null,
      chatFormat: null,
      digest: 'weekly',
      reminders: 'off',
      alerts: true,
      quietHoursStart: null,
      quietHoursEnd: null,
      timeZone: 'UTC',
    };
    const zone = await asDana.put('/v1/notifications/preferences/me', { ...choice, timeZone: 'Mars/Olympus' });
    expect(zone.status).toBe(422);
    expect(zone.body.errors).toEqual([expect.objectContaining({ field: 'timeZone' })]);
    const url = await asDana.put('/v1/notifications/preferences/me', {
      ...choice,
      chatWebhookUrl: 'ftp://chat.example.com/hook',
      chatFormat: 'slack',
    });
    expect(url.status).toBe(422);
    expect(url.body.errors).toEqual([expect.objectContaining({ field: 'chatWebhookUrl' })]);
    const half = await asDana.put('/v1/notifications/preferences/me', { ...choice, quietHoursStart: 22 });
    expect(half.status).toBe(422);
    // The body replaces every choice: one left out is named, not read as an address "undefined".
    const { chatWebhookUrl: _left, ...withoutChat } = choice;
    const missing = await asDana.put('/v1/notifications/preferences/me', withoutChat);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'chatWebhookUrl', message: 'chatWebhookUrl is required: a chat webhook address, or null for none' },
      ]),
    );
    expect((await asDana.get('/v1/notifications/preferences/me')).body).toMatchObject({
      digest: 'weekly',
      chatWebhookUrl: null,
      timeZone: 'UTC',
    });
  });

  it("sends an alert at once to a director's e-mail and Slack, once however often it is redelivered", async () => {
    const chosen = await asDana.put('/v1/notifications/preferences/me', {
      emailEnabled: true,
      chatWebhookUrl: chat.url,
      chatFormat: 'slack',
      digest: 'weekly',
      reminders: 'off',
      alerts: true,
      quietHoursStart: null,
      quietHoursEnd: null,
      timeZone: 'UTC',
    });
    expect(chosen.status).toBe(200);
    const alert = await feed.publish(
      AlertRaisedV1,
      {
        ...AlertRaisedV1.example,
        alertId: randomUUID(),
        scopeId: goalId,
        message: 'Launch the X100 fell to 55 (at risk): the pilot run is overdue.',
        raisedAt: ago(0.005),
      },
      ago(0.005),
    );
    await feed.redeliver(alert);
    await waitFor(() => allSent(dana.personId, 'alert', 2), { what: 'the alert by e-mail and chat' });
    expect(inbox.to(dana.email).map((mail) => mail.subject)).toEqual([
      'Throughline alert: Launch the X100 fell to 55 (at risk): the pilot run is overdue.',
    ]);
    const [slack] = chat.accepted.map((request) => JSON.parse(request.body));
    expect(slack.text).toContain('Launch the X100 fell to 55');
    expect(JSON.stringify(slack.blocks)).toContain(`/goals/${goalId}`);
    expect(chat.accepted).toHaveLength(1);
  });

  it('sends the weekly digest and the daily reminder when due, once per period', async () => {
    const planner = service.app.get(NotificationPlanner);
    expect(await planner.queueDue()).toBe(2); // Dana's digest, Mia's reminder
    await waitFor(() => allSent(dana.personId, 'digest', 2), { what: "Dana's digest by e-mail and chat" });
    await waitFor(() => allSent(mia.personId, 'reminder', 1), { what: "Mia's reminder" });

    const [digest] = inbox.to(dana.email).filter((mail) => mail.subject.includes('weekly digest'));
    expect(digest.subject).toMatch(
      /^Throughline weekly digest, \d{4}-W\d{2}: Alignment 65 \(at risk\), -15 over the week\.$/,
    );
    expect(digest.text).toContain('Launch the X100: 55, -15 over the week');
    expect(digest.text).toContain('Launch the X100: 55 (at risk)');
    expect(digest.text).toContain('Launch the X100 fell to 55 (at risk): the pilot run is overdue.');
    expect(digest.text).toContain('1 open task(s) are past their due date.');
    expect(digest.html).toContain(`<a href="http://127.0.0.1:3000/goals/${goalId}">`);

    const [reminder] = inbox.to(mia.email);
    expect(reminder.subject).toBe('Throughline: 2 task(s) need an update');
    expect(reminder.text).toContain(`Pilot production run (due ${day(3)})`);
    expect(reminder.text).toContain('Supplier audit (last update');
    expect(reminder.text).not.toContain('Retail training');

    // Due again in the same period (a restart, another instance's tick, the button): nothing new.
    expect(await planner.queueDue()).toBe(0);
    expect((await asDana.post('/v1/notifications/digests', {})).body).toEqual({
      queued: 0,
      alreadyQueued: 1,
      nothingToSend: 0,
    });
    const asMia = await apiAs(service.url, { personId: mia.personId, orgId, role: 'manager' });
    expect((await asMia.post('/v1/notifications/reminders', {})).body).toMatchObject({ queued: 0, alreadyQueued: 1 });
    expect(await messages(dana.personId, 'digest')).toHaveLength(2);
    expect(inbox.to(dana.email).filter((mail) => mail.subject.includes('weekly digest'))).toHaveLength(1);
  });

  it('retries a failing mail server with backoff, and the link in the e-mail unsubscribes', async () => {
    await person(chris, 'Chris COO', 'director');
    const asAdmin = await apiAs(service.url, { personId: randomUUID(), orgId, role: 'admin' });
    await waitFor(async () => {
      const [row] = await service.dataSource.query(`SELECT 1 FROM person_rm WHERE person_id = $1`, [chris.personId]);
      return row;
    });
    inbox.refuseNext(2);
    const sent = await asAdmin.post('/v1/notifications/digests', { personIds: [chris.personId] });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ queued: 1, alreadyQueued: 0, nothingToSend: 0 });
    const [email] = await waitFor(() => allSent(chris.personId, 'digest', 1), { what: "Chris's digest after retries" });
    expect(email.attempts).toBe(3);
    const [digest] = inbox.to(chris.email);

    const link = /Stop these e-mails: (\S+)/.exec(digest.text)![1];
    const { pathname, search } = new URL(link);
    const anonymous = await apiAs(service.url, null);
    const forged = await anonymous.get(`${pathname}${search.replace(/token=[^&]+/, 'token=forged')}`);
    expect(forged.status).toBe(404);
    const unsubscribed = await anonymous.get(`${pathname}${search}`);
    expect(unsubscribed.status).toBe(200);
    expect(unsubscribed.body).toEqual({ personId: chris.personId, emailEnabled: false });
    const asChris = await apiAs(service.url, { personId: chris.personId, orgId, role: 'director' });
    expect((await asChris.get('/v1/notifications/preferences/me')).body.emailEnabled).toBe(false);
  });

  it('sends at once what a person asks for themselves, and holds what is sent to them until their quiet hours end', async () => {
    const erin = { personId: randomUUID(), email: 'erin@acme.example' };
    const finn = { personId: randomUUID(), email: 'finn@acme.example' };
    await person(erin, 'Erin Director', 'director');
    await person(finn, 'Finn Director', 'director');
    await waitFor(async () => {
      const [row] = await service.dataSource.query(
        `SELECT count(*)::int AS n FROM person_rm WHERE person_id IN ($1, $2)`,
        [erin.personId, finn.personId],
      );
      return row.n === 2;
    });
    // Quiet from the hour before now until two hours on, whatever the time of day the test runs.
    const hour = new Date().getUTCHours();
    const quietNow = {
      emailEnabled: true,
      chatWebhookUrl: null,
      chatFormat: null,
      digest: 'weekly',
      reminders: 'off',
      alerts: false,
      quietHoursStart: (hour + 23) % 24,
      quietHoursEnd: (hour + 2) % 24,
      timeZone: 'UTC',
    };
    const asErin = await apiAs(service.url, { personId: erin.personId, orgId, role: 'director' });
    const asFinn = await apiAs(service.url, { personId: finn.personId, orgId, role: 'director' });
    expect((await asErin.put('/v1/notifications/preferences/me', quietNow)).status).toBe(200);
    expect((await asFinn.put('/v1/notifications/preferences/me', quietNow)).status).toBe(200);

    expect((await asErin.post('/v1/notifications/digests', {})).body).toMatchObject({ queued: 1 });
    await waitFor(() => inbox.to(erin.email).find((mail) => mail.subject.includes('weekly digest')), {
      what: "Erin's own digest, asked for in her quiet hours",
    });

    const asAdmin = await apiAs(service.url, { personId: randomUUID(), orgId, role: 'admin' });
    expect((await asAdmin.post('/v1/notifications/digests', { personIds: [finn.personId] })).body).toMatchObject({
      queued: 1,
    });
    const [held] = await service.dataSource.query(
      `SELECT status, next_attempt_at > now() + interval '30 minutes' AS "afterQuietHours"
       FROM notification_message WHERE person_id = $1 AND kind = 'digest'`,
      [finn.personId],
    );
    expect(held).toEqual({ status: 'pending', afterQuietHours: true });
    expect(inbox.to(finn.email)).toEqual([]);
  });

  it('keeps a manager to their own reminder', async () => {
    const asMia = await apiAs(service.url, { personId: mia.personId, orgId, role: 'manager' });
    expect((await asMia.post('/v1/notifications/reminders', { personIds: [randomUUID()] })).status).toBe(403);
    expect((await asMia.post('/v1/notifications/digests', {})).status).toBe(403);
  });

  it("keeps each scope's latest score with every point, and each task's latest activity, from the events of one transaction in any order", async () => {
    const facts = service.app.get(NotificationFactsHandler);
    const scopeId = randomUUID();
    const taskId = randomUUID();
    const scored = (score: number, daysAgo: number) =>
      createEvent(
        AlignmentScoreChangedV1,
        {
          scope: 'goal',
          scopeId,
          score,
          previousScore: null,
          band: 'at_risk',
          components: [{ name: 'schedule', value: score, weight: 1 }],
          computedAt: ago(daysAgo),
        },
        { source: '/test', orgId, correlationId: 'c-scores', time: new Date(ago(daysAgo)) },
      ).envelope as EventOf<typeof AlignmentScoreChangedV1>;
    const progressed = (daysAgo: number) =>
      createEvent(
        TaskProgressReportedV1,
        { ...TaskProgressReportedV1.example, taskId, goalId, managerId: mia.personId },
        { source: '/test', orgId, correlationId: 'c-progress', time: new Date(ago(daysAgo)) },
      ).envelope as EventOf<typeof TaskProgressReportedV1>;
    const known = createEvent(
      TaskUpdatedV1,
      { ...TaskUpdatedV1.example, taskId, goalId, managerId: mia.personId, title: 'Packaging', dueDate: day(-9) },
      { source: '/test', orgId, correlationId: 'c-task', time: new Date(ago(9)) },
    ).envelope as EventOf<typeof TaskUpdatedV1>;
    await service.dataSource.transaction(async (tx) => {
      await facts.onTask(known, tx);
      // Out of order, as redelivered events of several partitions could come.
      for (const [score, daysAgo] of [
        [52, 2],
        [61, 1],
        [40, 3],
      ])
        facts.onScore(scored(score, daysAgo), tx);
      for (const daysAgo of [5, 2, 4]) facts.onTaskActivity(progressed(daysAgo), tx);
      await runBeforeCommit(tx);
    });
    const [latest] = await service.dataSource.query(`SELECT score FROM score_rm WHERE scope_id = $1`, [scopeId]);
    const points = await service.dataSource.query(`SELECT score FROM score_point_rm WHERE scope_id = $1 ORDER BY at`, [
      scopeId,
    ]);
    const [task] = await service.dataSource.query(`SELECT last_activity_at FROM task_rm WHERE task_id = $1`, [taskId]);
    expect(latest).toEqual({ score: 61 });
    expect(points).toEqual([{ score: 40 }, { score: 52 }, { score: 61 }]);
    expect(task.last_activity_at.toISOString().slice(0, 10)).toBe(day(2));
  });
});
