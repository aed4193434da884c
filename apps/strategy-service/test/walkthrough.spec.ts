import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apiAs, walkthroughScript, expectStatus } from '@throughline/testing';
import { startStrategy } from './strategy-fixture';

const ROOT = join(__dirname, '../../..');

describe('docs/walkthrough/1-strategy.md (real PostgreSQL and Kafka)', () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;

  beforeAll(async () => {
    strategy = await startStrategy();
  });
  afterAll(async () => strategy?.stop());

  it('runs as written, copy-paste, and builds the whole story', async () => {
    const script = `set -euo pipefail\n${walkthroughScript('1-strategy.md')}\necho "STORY ORG=$ORG GOAL=$GOAL DANA=$DANA"\n`;
    // Asynchronous on purpose: the service answering the script runs in this process.
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: ROOT,
      env: { ...process.env, STRATEGY: strategy.service.url },
      timeout: 120_000,
      maxBuffer: 10_000_000,
    }).catch((error) => {
      throw new Error(`the walkthrough failed: ${error.stderr}\n${error.stdout}`);
    });
    const [, orgId, goalId, danaId] = /STORY ORG=(\S+) GOAL=(\S+) DANA=(\S+)/.exec(stdout) ?? [];
    expect(goalId).toBeDefined();

    const dana = await apiAs(strategy.service.url, { personId: danaId, orgId, role: 'director' });
    const goal = expectStatus(await dana.get(`/v1/goals/${goalId}`), 200);
    expect(goal).toMatchObject({
      title: 'Industrialise X200 production',
      status: 'active',
      budget: { amountMinor: 12_000_000, revision: 2 },
    });
    expect(goal.keyResults).toHaveLength(3);
    expect(goal.deliverables).toHaveLength(4);
    expect(goal.risks).toHaveLength(2);
    const parent = expectStatus(await dana.get(`/v1/goals/${goal.parentGoalId}`), 200);
    expect(parent).toMatchObject({ title: 'Launch the X200 product line', status: 'active' });
    expect(stdout).toMatch(/"dueDate 2026-08-01 must lie within the goal's period/);
    // The story stays inside its own organisation.
    const stranger = await apiAs(strategy.service.url, {
      personId: randomUUID(),
      orgId: randomUUID(),
      role: 'director',
    });
    expect((await stranger.get(`/v1/goals/${goalId}`)).status).toBe(404);
  });
});
