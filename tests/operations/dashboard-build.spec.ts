import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { runScriptProcess } from '@throughline/testing';

const root = join(__dirname, '../..');
const built = join(root, 'dist/apps/dashboard');

/** A process that builds the dashboard if it is stale, and says whether it built. */
async function buildInAnotherProcess(): Promise<string> {
  const script = `console.log('built ' + require(${JSON.stringify(join(root, 'libs/local-infra/src/dashboard-build'))}).buildDashboardIfStale());`;
  return (await runScriptProcess(script)).output;
}

/** What a browser opening the dashboard now would miss: index.html, or a script it loads. */
function missingForABrowser(): string[] {
  const index = join(built, 'index.html');
  let html: string;
  try {
    html = readFileSync(index, 'utf8');
  } catch {
    return ['index.html'];
  }
  const scripts = [...html.matchAll(/src="\/(assets\/[^"]+\.js)"/g)].map(([, file]) => file);
  if (scripts.length === 0) return ['a script in index.html'];
  return scripts.filter((file) => !existsSync(join(built, file)));
}

describe('the dashboard build for tests and benchmarks', () => {
  it('is made once when two processes find it stale at the same time, and not again while current', async () => {
    // A source newer than any build.
    const source = join(root, 'apps/dashboard/index.html');
    const now = new Date();
    utimesSync(source, now, now);
    const answers = await Promise.all([buildInAnotherProcess(), buildInAnotherProcess()]);
    expect(answers.sort()).toEqual(['built false', 'built true']);
    expect(existsSync(join(built, 'index.html'))).toBe(true);
    expect(await buildInAnotherProcess()).toBe('built false');
  }, 180_000);

  it('never leaves a stack that serves the built folder without a page or its scripts while it rebuilds', async () => {
    await buildInAnotherProcess();
    expect(missingForABrowser()).toEqual([]);
    const source = join(root, 'apps/dashboard/index.html');
    const now = new Date();
    utimesSync(source, now, now);
    const rebuilding = buildInAnotherProcess();
    let finished = false;
    void rebuilding.then(() => (finished = true));
    const missed = new Set<string>();
    let looks = 0;
    while (!finished) {
      for (const file of missingForABrowser()) missed.add(file);
      looks++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await rebuilding).toBe('built true');
    expect(looks).toBeGreaterThan(10);
    expect([...missed]).toEqual([]);
  }, 180_000);
});
