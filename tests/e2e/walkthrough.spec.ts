import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deadLetterTopic, Topics } from '@throughline/contracts';
import { apiAs, createTestTopics, startTestService, TestService, uniqueTag, walkthroughScript } from '@throughline/testing';
import { AppModule as StrategyApp } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { AppModule as ExecutionApp } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';

const ROOT = join(__dirname, '../..');

describe('docs/walkthrough/2-execution.md (real strategy and execution services, PostgreSQL and Kafka)', () => {
  const tag = uniqueTag();
  const services: TestService[] = [];

  beforeAll(async () => {
    await createTestTopics([Topics.Organisation, Topics.Goals, Topics.Tasks, deadLetterTopic('strategy-service'), deadLetterTopic('execution-service')].map((topic) => `t${tag}.${topic}`));
    services.push(await startTestService(StrategyApp, { tag, database: strategyDatabase }));
    services.push(await startTestService(ExecutionApp, { tag, database: executionDatabase }));
  });
  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
  });

  it('runs after walkthrough 1 as written, copy-paste, and leaves the story in the tasks', async () => {
    const [strategy, execution] = services;
    const script = `set -euo pipefail\n${walkthroughScript('1-strategy.md', '2-execution.md')}\necho "STORY ORG=$ORG GOAL=$GOAL DANA=$DANA MIA=$MIA PILOT=$PILOT BOOTH=$BOOTH"\n`;
    // Asynchronous on purpose: the services answering the script run in this process.
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { cwd: ROOT, env: { ...process.env, STRATEGY: strategy.url, EXECUTION: execution.url }, timeout: 180_000, maxBuffer: 10_000_000 }).catch((error) => {
      throw new Error(`the walkthrough failed: ${error.stderr}\n${error.stdout}`);
    });
    const [, orgId, goalId, danaId, miaId, pilotId, boothId] = /STORY ORG=(\S+) GOAL=(\S+) DANA=(\S+) MIA=(\S+) PILOT=(\S+) BOOTH=(\S+)/.exec(stdout) ?? [];
    expect(boothId).toBeDefined();

    const dana = await apiAs(execution.url, { personId: danaId, orgId, role: 'director' });
    const tasks = (await dana.get(`/v1/tasks?goalId=${goalId}`)).body.items;
    expect(Object.fromEntries(tasks.map((task: { title: string; status: string }) => [task.title, task.status]))).toEqual({
      'Casing supplier contracts': 'done',
      'Pilot production run': 'in_progress',
      'Quality inspection line': 'todo',
      'Ramp-up to 1,000 units a week': 'todo',
    });
    const pilot = (await dana.get(`/v1/tasks/${pilotId}`)).body;
    expect(pilot).toMatchObject({ managerId: miaId, progress: 40, actualCostMinor: 1_250_000, minutesWorked: 450, qualityIssueCount: 1, version: 6 });
    const unlinked = (await dana.get('/v1/tasks?linked=false')).body.items;
    expect(unlinked).toEqual([expect.objectContaining({ id: boothId, goalId: null, unlinkedReason: 'Asked by sales for the spring fair; no goal covers the X100', minutesWorked: 240 })]);
    expect((await dana.get(`/v1/tasks?reportingTo=${danaId}`)).body.page.total).toBe(5);
    // The refusals section answers as documented.
    for (const status of [422, 400, 404, 409, 412]) expect(stdout).toContain(`"status":${status}`);
    expect(stdout).toMatch(/Costs on this task are booked in EUR/);
  });
});
