import { existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { runScriptProcess } from '@throughline/testing';

const root = join(__dirname, '../..');

/** A process that builds the dashboard if it is stale, and says whether it built. */
async function buildInAnotherProcess(): Promise<string> {
  const script = `console.log('built ' + require(${JSON.stringify(join(root, 'libs/local-infra/src/dashboard-build'))}).buildDashboardIfStale());`;
  return (await runScriptProcess(script)).output;
}

describe('the dashboard build for tests and benchmarks', () => {
  it('is made once when two processes find it stale at the same time, and not again while current', async () => {
    // A source newer than any build.
    const source = join(root, 'apps/dashboard/index.html');
    const now = new Date();
    utimesSync(source, now, now);
    const answers = await Promise.all([buildInAnotherProcess(), buildInAnotherProcess()]);
    expect(answers.sort()).toEqual(['built false', 'built true']);
    expect(existsSync(join(root, 'dist/apps/dashboard/index.html'))).toBe(true);
    expect(await buildInAnotherProcess()).toBe('built false');
  }, 180_000);
});
