import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deadLetterTopic, Topics } from '@throughline/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { byOrganisationTopic, consumerLag } from '@throughline/messaging';
import {
  apiAs,
  ConformanceProxy,
  createTestTopics,
  startConformanceProxy,
  startTestService,
  testKafkaBrokers,
  TestService,
  uniqueTag,
  waitFor,
  walkthroughScript,
} from '@throughline/testing';
import { AppModule as StrategyApp } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { AppModule as ExecutionApp } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { AppModule as MetricsApp } from '../../apps/metrics-service/src/app.module';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';

const ROOT = join(__dirname, '../..');

describe('docs/walkthrough 1–3 (real strategy, execution and metrics services, PostgreSQL and Kafka)', () => {
  const tag = uniqueTag();
  const services: TestService[] = [];
  /** The scripts call the services through these, so every answer is checked against the served document. */
  let gates: ConformanceProxy[];

  beforeAll(async () => {
    await createTestTopics(
      [
        Topics.Organisation,
        Topics.Goals,
        Topics.Tasks,
        Topics.Scores,
        Topics.Alerts,
        deadLetterTopic('strategy-service'),
        deadLetterTopic('execution-service'),
        deadLetterTopic('metrics-service'),
      ].map((topic) => `t${tag}.${topic}`),
    );
    services.push(await startTestService(StrategyApp, { tag, database: strategyDatabase }));
    services.push(await startTestService(ExecutionApp, { tag, database: executionDatabase }));
    services.push(
      await startTestService(MetricsApp, { tag, database: metricsDatabase, env: { METRICS_CLOCK: 'manual' } }),
    );
    gates = await Promise.all(services.map((service) => startConformanceProxy(service.url)));
  });
  afterAll(async () => {
    for (const gate of gates ?? []) await gate.stop();
    for (const service of services.reverse()) await service.stop();
  });

  // Walkthrough 3 continues in the shell of 1 and 2: its variables and functions are kept here.
  const storyState = join(mkdtempSync(join(tmpdir(), 'walkthrough-')), 'story.sh');
  let story: { orgId: string; goalId: string; danaId: string };

  it('runs walkthroughs 1 and 2 as written, copy-paste, every answer as documented, and leaves the story in the tasks', async () => {
    const [, execution] = services;
    const script = `set -euo pipefail\n${walkthroughScript('1-strategy.md', '2-execution.md')}\necho "STORY ORG=$ORG GOAL=$GOAL DANA=$DANA MIA=$MIA PILOT=$PILOT BOOTH=$BOOTH"\n{ declare -p; declare -f; } > "$STORY_STATE" 2>/dev/null\n`;
    // Asynchronous on purpose: the services answering the script run in this process.
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: ROOT,
      env: { ...process.env, STRATEGY: gates[0].url, EXECUTION: gates[1].url, STORY_STATE: storyState },
      timeout: 180_000,
      maxBuffer: 10_000_000,
    }).catch((error) => {
      throw new Error(`the walkthrough failed: ${error.stderr}\n${error.stdout}`);
    });
    const [, orgId, goalId, danaId, miaId, pilotId, boothId] =
      /STORY ORG=(\S+) GOAL=(\S+) DANA=(\S+) MIA=(\S+) PILOT=(\S+) BOOTH=(\S+)/.exec(stdout) ?? [];
    expect(boothId).toBeDefined();
    story = { orgId, goalId, danaId };

    const dana = await apiAs(execution.url, { personId: danaId, orgId, role: 'director' });
    const tasks = (await dana.get(`/v1/tasks?goalId=${goalId}`)).body.items;
    expect(
      Object.fromEntries(tasks.map((task: { title: string; status: string }) => [task.title, task.status])),
    ).toEqual({
      'Casing supplier contracts': 'done',
      'Pilot production run': 'in_progress',
      'Quality inspection line': 'todo',
      'Ramp-up to 1,000 units a week': 'todo',
    });
    const pilot = (await dana.get(`/v1/tasks/${pilotId}`)).body;
    expect(pilot).toMatchObject({
      managerId: miaId,
      progress: 40,
      actualCostMinor: 1_250_000,
      minutesWorked: 450,
      qualityIssueCount: 1,
      version: 6,
    });
    const unlinked = (await dana.get('/v1/tasks?linked=false')).body.items;
    expect(unlinked).toEqual([
      expect.objectContaining({
        id: boothId,
        goalId: null,
        unlinkedReason: 'Asked by sales for the spring fair; no goal covers the X100',
        minutesWorked: 240,
      }),
    ]);
    expect((await dana.get(`/v1/tasks?reportingTo=${danaId}`)).body.page.total).toBe(5);
    // The refusals section answers as documented.
    for (const status of [422, 400, 404, 409, 412]) expect(stdout).toContain(`"status":${status}`);
    expect(stdout).toMatch(/Costs on this task are booked in EUR/);
    // Every answer the walkthroughs got, refusals included, is what the served documents say.
    expect(gates[0].checked + gates[1].checked).toBeGreaterThan(40);
    expect([...gates[0].failures, ...gates[1].failures]).toEqual([]);
    // The script's own limit, not the default 60 s: on a busy machine its many `npm run token` calls take longer.
  }, 200_000);

  it('runs walkthrough 3 in the same shell once metrics has read everything, and the scores explain themselves', async () => {
    const metrics = services[2];
    const admin = new Kafka({
      clientId: 'walkthrough',
      brokers: [testKafkaBrokers()],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      await waitFor(
        async () =>
          (
            await consumerLag(admin, `t${tag}.metrics-service`, [
              ...[Topics.Organisation, Topics.Goals, Topics.Tasks].map((topic) => `t${tag}.${topic}`),
              byOrganisationTopic(`t${tag}.metrics-service`),
            ])
          ).every((partition) => partition.lag === 0),
        { timeoutMs: 60_000, what: 'metrics to read every event' },
      );
    } finally {
      await admin.disconnect();
    }
    const script = `source "$STORY_STATE" 2>/dev/null || true\nset -euo pipefail\n${walkthroughScript('3-metrics.md')}\n`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: ROOT,
      env: { ...process.env, METRICS: gates[2].url, STORY_STATE: storyState },
      timeout: 120_000,
      maxBuffer: 10_000_000,
    }).catch((error) => {
      throw new Error(`walkthrough 3 failed: ${error.stderr}\n${error.stdout}`);
    });
    const { orgId, goalId, danaId } = story;
    expect(stdout).toContain('"band"');
    expect(gates[2].checked).toBeGreaterThan(5);
    expect(gates[2].failures).toEqual([]);
    const dana = await apiAs(metrics.url, { personId: danaId, orgId, role: 'director' });
    const goal = (await dana.get(`/v1/scores/goals/${goalId}`)).body;
    expect(goal.components.map((component: { name: string }) => component.name)).toEqual([
      'schedule',
      'cost',
      'outcomes',
      'focus',
      'risk',
    ]);
    expect(['on_track', 'at_risk', 'off_track']).toContain(goal.band);
    expect(goal.score).toBeGreaterThanOrEqual(0);
    expect(goal.score).toBeLessThanOrEqual(100);
    const organisation = (await dana.get('/v1/scores/organisation')).body;
    expect(organisation).toMatchObject({ scope: 'organisation', scopeId: orgId });
    expect((await dana.get(`/v1/scores/goals/${goalId}/history?limit=200`)).body.items.length).toBeGreaterThan(0);
  }, 200_000);
});
