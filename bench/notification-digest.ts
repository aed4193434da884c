/**
 * How long a director's weekly digest takes for a large organisation: 1,000 active goals, each
 * with a score a week ago and today, the organisation's score, 50 alerts of the week — fed to
 * the integrations service as the other services publish them. Each of five directors then asks
 * for this week's digest (`POST /v1/notifications/digests`, which reads the read models, renders
 * HTML and text, and queues it), and the benchmark reads each from a real SMTP server.
 *   build     — request sent → answered: the digest read, rendered and queued
 *   delivered — request sent → the e-mail received by the SMTP server
 * `npx tsx bench/notification-digest.ts` (`npm run bench` runs it; the quick run skips it)
 */
import { randomUUID } from 'node:crypto';
import {
  AlertRaisedV1,
  AlignmentScoreChangedV1,
  createEvent,
  EventDefinition,
  GoalActivatedV1,
  GoalCreatedV1,
  PersonCreatedV1,
  Topics,
} from '@throughline/contracts';
import { consumerLag } from '@throughline/messaging';
import { mintDevToken } from '@throughline/service-kit';
import { SmtpInbox } from '@throughline/testing';
import type { Static, TObject } from '@sinclair/typebox';
import { BenchContext, runStandalone } from './lib/scenario';
import { nowMs, round, sleep, summarize, Summary } from './lib/stats';

const DAY = 86_400_000;
const DIRECTORS = 5;
const ALERTS = 50;

export type NotificationDigestResult =
  | { skipped: string }
  | { goals: number; events: number; directors: number; buildMs: Summary; deliveredMs: Summary; mailKb: number };

export async function notificationDigest(context: BenchContext): Promise<NotificationDigestResult> {
  const { system, quick, log } = context;
  if (quick) return { skipped: 'not in --quick (the integrations service reads 4,000 events first)' };
  if (!system.managed) return { skipped: 'it restarts the integrations service with a mail server' };
  const goals = 1_000;
  const inbox = await SmtpInbox.start();
  try {
    await system.restart('integrations-service', {
      NOTIFY_SMTP_URL: inbox.url,
      NOTIFY_POLL_INTERVAL_MS: '50',
      // Asked for here, not scheduled: a tick must not send a digest before its facts are read.
      NOTIFY_SCHEDULE_INTERVAL_MS: '3600000',
    });
    const orgId = randomUUID();
    const directors = Array.from({ length: DIRECTORS }, (_, index) => ({
      personId: randomUUID(),
      email: `director-${index}@digest.bench.example`,
    }));
    const now = Date.now();
    const messages = new Map<string, Array<{ key: string; value: string }>>();
    const add = <S extends TObject>(definition: EventDefinition<S>, data: Static<S>, at: number) => {
      const { topic, key, envelope } = createEvent(definition, data, {
        source: '/throughline/bench',
        orgId,
        correlationId: 'digest-bench',
        time: new Date(at),
      });
      const target = system.topic(topic);
      messages.set(target, [...(messages.get(target) ?? []), { key, value: JSON.stringify(envelope) }]);
    };
    for (const [index, director] of directors.entries())
      add(
        PersonCreatedV1,
        {
          ...PersonCreatedV1.example,
          ...director,
          name: `Director ${index}`,
          role: 'director',
          active: true,
        },
        now - 30 * DAY,
      );
    const goalIds = Array.from({ length: goals }, () => randomUUID());
    for (const [index, goalId] of goalIds.entries()) {
      add(
        GoalCreatedV1,
        {
          ...GoalCreatedV1.example,
          goalId,
          ownerId: directors[index % DIRECTORS].personId,
          title: `Goal ${index} of the plan`,
          status: 'draft',
        },
        now - 30 * DAY,
      );
      add(GoalActivatedV1, { ...GoalActivatedV1.example, goalId }, now - 30 * DAY);
    }
    const score = (scope: 'organisation' | 'goal', scopeId: string, value: number, at: number) =>
      add(
        AlignmentScoreChangedV1,
        {
          scope,
          scopeId,
          score: value,
          previousScore: null,
          band: value >= 70 ? 'on_track' : value >= 50 ? 'at_risk' : 'off_track',
          components: [{ name: 'schedule', value, weight: 1 }],
          computedAt: new Date(at).toISOString(),
        },
        at,
      );
    score('organisation', orgId, 78, now - 8 * DAY);
    score('organisation', orgId, 66, now - DAY / 24);
    for (const [index, goalId] of goalIds.entries()) {
      score('goal', goalId, 60 + (index % 40), now - 8 * DAY);
      score('goal', goalId, 30 + ((index * 7) % 70), now - DAY / 24);
    }
    for (const goalId of goalIds.slice(0, ALERTS))
      add(
        AlertRaisedV1,
        {
          ...AlertRaisedV1.example,
          alertId: randomUUID(),
          scopeId: goalId,
          message: 'The goal fell below the at-risk line.',
          raisedAt: new Date(now - 2 * DAY).toISOString(),
        },
        now - 2 * DAY,
      );

    const producer = system.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    let events = 0;
    try {
      // Organisation first, as the services would have published it over the weeks.
      for (const topic of [Topics.Organisation, Topics.Goals, Topics.Scores, Topics.Alerts].map(system.topic, system)) {
        const batch = messages.get(topic) ?? [];
        for (let from = 0; from < batch.length; from += 500)
          await producer.send({ topic, messages: batch.slice(from, from + 500) });
        events += batch.length;
      }
    } finally {
      await producer.disconnect();
    }
    const started = nowMs();
    const topics = [Topics.Organisation, Topics.Goals, Topics.Scores, Topics.Alerts].map(system.topic, system);
    while (
      !(await consumerLag(system.admin, system.topic('integrations-service'), topics)).every(
        (partition) => partition.lag === 0,
      )
    ) {
      if (nowMs() - started > 300_000) throw new Error('the integrations service did not read the events in 5 minutes');
      await sleep(100);
    }
    log(
      `digest: ${events} events of ${goals} goals read by the integrations service in ${round((nowMs() - started) / 1000, 1)} s`,
    );

    const build: number[] = [];
    const delivered: number[] = [];
    let mailBytes = 0;
    for (const director of directors) {
      const token = await mintDevToken({ personId: director.personId, orgId, role: 'director' });
      const asked = nowMs();
      const response = await fetch(`${system.url('integrations-service')}/v1/notifications/digests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const answer = (await response.json()) as { queued?: number };
      build.push(nowMs() - asked);
      if (response.status !== 200 || answer.queued !== 1)
        throw new Error(`digest for ${director.email}: ${response.status} ${JSON.stringify(answer)}`);
      while (!inbox.to(director.email).length) {
        if (nowMs() - asked > 60_000) throw new Error(`no digest reached ${director.email} in 60 s`);
        await sleep(5);
      }
      delivered.push(nowMs() - asked);
      const [mail] = inbox.to(director.email);
      mailBytes = Math.max(mailBytes, Buffer.byteLength(mail.html) + Buffer.byteLength(mail.text));
    }
    const result = {
      goals,
      events,
      directors: DIRECTORS,
      buildMs: summarize(build),
      deliveredMs: summarize(delivered),
      mailKb: round(mailBytes / 1024, 1),
    };
    log(
      `digest of ${goals} goals: built and queued p50 ${result.buildMs.p50} ms (max ${result.buildMs.max}), in the inbox p50 ${result.deliveredMs.p50} ms; ${result.mailKb} kB`,
    );
    return result;
  } finally {
    await inbox.stop();
  }
}

if (require.main === module) runStandalone('notificationDigest', notificationDigest);
