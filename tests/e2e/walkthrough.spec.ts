import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deadLetterTopic, Topics } from '@throughline/contracts';
import {
  apiAs,
  ConformanceProxy,
  SmtpInbox,
  waitForConsumerGroup,
  createTestTopics,
  startConformanceProxy,
  startTestService,
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
import { formatMoney as money } from '../../apps/metrics-service/src/scoring/money';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { AppModule as IntegrationsApp } from '../../apps/integrations-service/src/app.module';
import { integrationsDatabase } from '../../apps/integrations-service/src/database/integrations-database';

const ROOT = join(__dirname, '../..');

describe('docs/walkthrough 1–5 (the four real services, an SMTP server, PostgreSQL and Kafka)', () => {
  const tag = uniqueTag();
  const services: TestService[] = [];
  /** The scripts call the services through these, so every answer is checked against the served document. */
  let gates: ConformanceProxy[];
  let inbox: SmtpInbox;
  const consumed = [Topics.Organisation, Topics.Goals, Topics.Tasks].map((topic) => `t${tag}.${topic}`);

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
        deadLetterTopic('integrations-service'),
      ].map((topic) => `t${tag}.${topic}`),
    );
    inbox = await SmtpInbox.start();
    services.push(await startTestService(StrategyApp, { tag, database: strategyDatabase }));
    services.push(await startTestService(ExecutionApp, { tag, database: executionDatabase }));
    services.push(
      await startTestService(MetricsApp, { tag, database: metricsDatabase, env: { METRICS_CLOCK: 'manual' } }),
    );
    services.push(
      await startTestService(IntegrationsApp, {
        tag,
        database: integrationsDatabase,
        // Digests and reminders are asked for by the walkthrough; the schedule stays out of the way.
        env: { NOTIFY_SMTP_URL: inbox.url, NOTIFY_POLL_INTERVAL_MS: '50', NOTIFY_SCHEDULE_INTERVAL_MS: '3600000' },
      }),
    );
    gates = await Promise.all(services.map((service) => startConformanceProxy(service.url)));
  });
  afterAll(async () => {
    for (const gate of gates ?? []) await gate.stop();
    for (const service of services.reverse()) await service.stop();
    await inbox?.stop();
  });

  // Walkthrough 3 continues in the shell of 1 and 2: its variables and functions are kept here.
  const storyState = join(mkdtempSync(join(tmpdir(), 'walkthrough-')), 'story.sh');
  let story: { orgId: string; goalId: string; danaId: string; miaId: string };

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
    story = { orgId, goalId, danaId, miaId };

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
    await waitForConsumerGroup(`t${tag}.metrics-service`, consumed);
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

  it('runs walkthrough 4 in the same shell: the launch forecast, and what if the pilot slips and the suppliers run over', async () => {
    const [, execution, metrics] = services;
    const { orgId, danaId } = story;
    const dana = await apiAs(metrics.url, { personId: danaId, orgId, role: 'director' });
    const script = `source "$STORY_STATE" 2>/dev/null || true\nset -euo pipefail\n${walkthroughScript('4-forecasts-and-what-if.md')}\necho "STORY4 COMPANY_GOAL=$COMPANY_GOAL GOAL=$GOAL PILOT=$PILOT SUPPLIERS=$SUPPLIERS"\n`;
    const run = () =>
      promisify(execFile)('bash', ['-c', script], {
        cwd: ROOT,
        env: { ...process.env, METRICS: gates[2].url, STORY_STATE: storyState },
        timeout: 120_000,
        maxBuffer: 10_000_000,
      }).catch((error) => {
        throw new Error(`walkthrough 4 failed: ${error.stderr}\n${error.stdout}`);
      });
    const scoresBefore = (await dana.get('/v1/scores/goals?limit=100')).body.items;
    const { stdout } = await run();
    const [, companyGoalId, goalId, pilotId, suppliersId] =
      /STORY4 COMPANY_GOAL=(\S+) GOAL=(\S+) PILOT=(\S+) SUPPLIERS=(\S+)/.exec(stdout) ?? [];
    expect(suppliersId).toBeDefined();
    // Nothing was kept: every goal's stored score (its time included) is as it was.
    expect((await dana.get('/v1/scores/goals?limit=100')).body.items).toEqual(scoresBefore);

    const whatIf = JSON.parse(stdout.split('\n').find((line) => line.startsWith('{"asOf"'))!);
    // The pilot moved three weeks; the supplier contracts cost 20 % more than execution has booked on them.
    const [, from, to] = /^"Pilot production run" due (\S+) → (\S+)/.exec(whatIf.changes[0].effect) ?? [];
    expect((Date.parse(to) - Date.parse(from)) / 86_400_000).toBe(21);
    const executionDana = await apiAs(execution.url, { personId: danaId, orgId, role: 'director' });
    const booked = (await executionDana.get(`/v1/tasks/${suppliersId}`)).body.actualCostMinor;
    expect(whatIf.changes[1].effect).toBe(
      `"Casing supplier contracts" cost ${money(booked)} → ${money(Math.round(booked * 1.2))}`,
    );
    // The launch and its sub-goal and the organisation are answered; today is what the score and forecast endpoints say.
    const scopeIds = whatIf.scopes.map((scope: { scopeId: string }) => scope.scopeId);
    expect(scopeIds).toEqual(expect.arrayContaining([companyGoalId, goalId, orgId]));
    const launch = whatIf.scopes.find((scope: { scopeId: string }) => scope.scopeId === companyGoalId);
    const score = (await dana.get(`/v1/scores/goals/${companyGoalId}`)).body;
    const { cost, schedule } = (await dana.get(`/v1/scores/goals/${companyGoalId}/forecast`)).body;
    expect(launch.today).toMatchObject({
      score: score.score,
      band: score.band,
      components: score.components,
      forecast: { cost, schedule },
    });
    // Money spent for no more work: CPI falls and the estimate at completion rises by the difference shown.
    expect(launch.projected.forecast.cost.costPerformanceIndex).toBeLessThan(cost.costPerformanceIndex);
    expect(launch.difference.estimateAtCompletion).toBe(
      launch.projected.forecast.cost.estimateAtCompletion - cost.estimateAtCompletion,
    );
    expect(launch.difference.estimateAtCompletion).toBeGreaterThan(0);
    expect(stdout).toContain(
      `EAC ${cost.estimateAtCompletion / 100} → ${launch.projected.forecast.cost.estimateAtCompletion / 100} EUR`,
    );
    // The refusals answer as documented.
    expect(stdout).toMatch(/^403$/m);
    expect(stdout).toContain('"field":"changes[0].days"');
    expect(stdout).toMatch(/"status":422.*"field":"changes\[0\]\.amountMinor"/);
    expect(pilotId).toBeDefined();
    expect(gates[2].failures).toEqual([]);
  }, 200_000);

  it('runs walkthrough 5 in the same shell: the plan comes in from a spreadsheet, figures go out, the digest and the reminder arrive by e-mail', async () => {
    const [strategy, execution] = services;
    await waitForConsumerGroup(`t${tag}.integrations-service`, [
      ...consumed,
      ...[Topics.Scores, Topics.Alerts].map((topic) => `t${tag}.${topic}`),
    ]);
    const script = `source "$STORY_STATE" 2>/dev/null || true\nset -euo pipefail\n${walkthroughScript('5-reach-people.md')}\n`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: ROOT,
      env: {
        ...process.env,
        STRATEGY: gates[0].url,
        EXECUTION: gates[1].url,
        METRICS: gates[2].url,
        INTEGRATIONS: gates[3].url,
        STORY_STATE: storyState,
      },
      timeout: 120_000,
      maxBuffer: 10_000_000,
    }).catch((error) => {
      throw new Error(`walkthrough 5 failed: ${error.stderr}\n${error.stdout}`);
    });
    const { orgId, danaId, miaId } = story;
    // The dry run of the file with the typo names its row and column; the good file is valid.
    expect(stdout).toMatch(/"row":4,"column":"target"/);
    // The plan came in once, through the same rules and events as the API: the goal is active, its deliverables are tasks.
    const dana = await apiAs(strategy.url, { personId: danaId, orgId, role: 'director' });
    const nordics = (await dana.get('/v1/goals?limit=100')).body.items.find(
      (goal: { title: string }) => goal.title === 'Launch the X200 in the Nordics',
    );
    expect(nordics).toMatchObject({ status: 'active', budget: { currency: 'EUR', amountMinor: 9_000_000 } });
    expect((await dana.get(`/v1/goals/${nordics.id}/key-results`)).body.items).toHaveLength(2);
    const mia = await apiAs(execution.url, { personId: miaId, orgId, role: 'manager' });
    await waitFor(
      async () =>
        (await mia.get(`/v1/tasks?goalId=${nordics.id}`)).body.items?.some(
          (task: { title: string }) => task.title === 'Nordic retail contracts',
        ),
      { what: "Mia's task from the imported plan" },
    );
    expect(stdout).toMatch(/^true\ntrue$/m);
    // Figures out: the scores' header, and the exported plan holds the imported goal.
    expect(stdout).toMatch(/^scope,/m);
    // Once per person and week, however often it is asked for.
    expect(stdout).toContain(
      '{"queued":1,"alreadyQueued":0,"nothingToSend":0}\n{"queued":0,"alreadyQueued":1,"nothingToSend":0}',
    );
    const digest = await waitFor(
      () => inbox.to('dana@acme.example').find((mail) => /weekly digest/.test(mail.subject)),
      {
        what: "Dana's digest in the inbox",
      },
    );
    expect(digest.subject).toMatch(/^Throughline weekly digest, \d{4}-W\d{2}: /);
    expect(digest.html).toContain('<');
    expect(digest.text).toMatch(/Industrialise X200 production|Launch the X200/);
    const reminder = await waitFor(
      () => inbox.to('mia@acme.example').find((mail) => /need an update/.test(mail.subject)),
      {
        what: "Mia's reminder in the inbox",
      },
    );
    expect(reminder.subject).toMatch(/^Throughline: \d+ task\(s\) need an update$/);
    expect(reminder.text).toContain('Pilot production run');
    // Each message went out once, and every answer the walkthrough got is what the served documents say.
    expect(inbox.to('dana@acme.example').filter((mail) => /weekly digest/.test(mail.subject))).toHaveLength(1);
    expect(gates[3].checked).toBeGreaterThan(3);
    expect(gates.flatMap((gate) => gate.failures)).toEqual([]);
  }, 200_000);

  it('runs walkthrough 6 in the same shell: a sub-goal gives the launch 70 % and a second aim 30 %, and back', async () => {
    const [strategy, , metrics] = services;
    const { orgId, danaId } = story;
    const script = `source "$STORY_STATE" 2>/dev/null || true\nset -euo pipefail\n${walkthroughScript('6-one-goal-serving-several.md')}\n`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: ROOT,
      env: { ...process.env, STRATEGY: gates[0].url, METRICS: gates[2].url, STORY_STATE: storyState },
      timeout: 120_000,
      maxBuffer: 10_000_000,
    }).catch((error) => {
      throw new Error(`walkthrough 6 failed: ${error.stderr}\n${error.stdout}`);
    });
    const returnsGoalId = /^RETURNS_GOAL=(\S+)$/m.exec(stdout)?.[1];
    expect(returnsGoalId).toBeDefined();
    const answers = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    // The split as strategy answered it; the loop refused, naming the entry at fault.
    const split = answers.find((answer) => answer.contributesTo?.length === 2);
    expect(split.contributesTo.map((entry: { weightPercent: number }) => entry.weightPercent)).toEqual([70, 30]);
    const loop = answers.find((answer) => answer.status === 422);
    expect(loop.errors).toEqual([{ field: 'contributesTo.0.goalId', message: expect.stringMatching(/cycle/) }]);
    // While split: the second aim carried 30 % of the goal's budget, the launch the rest, the total unchanged.
    const [goalForecast, returnsForecast, launchForecast] = answers.filter((answer) => answer.scope === 'goal');
    expect(returnsForecast.scopeId).toBe(returnsGoalId);
    expect(returnsForecast.cost.budget).toBe(1_000_000 + Math.round(goalForecast.cost.budget * 0.3));
    const dana = await apiAs(metrics.url, { personId: danaId, orgId, role: 'director' });
    const launchNow = (await dana.get(`/v1/scores/goals/${launchForecast.scopeId}/forecast`)).body;
    expect(launchForecast.cost.budget + returnsForecast.cost.budget - 1_000_000).toBe(launchNow.cost.budget);
    // Back to the default: strategy holds no contributions, and metrics gave the launch all of it again.
    const strategyDana = await apiAs(strategy.url, { personId: danaId, orgId, role: 'director' });
    const goalId = split.goalId;
    expect((await strategyDana.get(`/v1/goals/${goalId}/contributions`)).body).toMatchObject({
      contributesTo: [],
      supports: [],
    });
    expect((await dana.get(`/v1/scores/goals/${returnsGoalId}/forecast`)).body.cost.budget).toBe(1_000_000);
    expect(gates.flatMap((gate) => gate.failures)).toEqual([]);
  }, 200_000);
});
