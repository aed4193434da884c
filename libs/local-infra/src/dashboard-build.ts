import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What the single-page app is built from: the app and the workspace libraries it imports. */
const SOURCES = ['apps/dashboard', 'libs/api-client', 'libs/contracts'];
const root = resolve(__dirname, '../../..');
const BUILT = join(root, 'dist/apps/dashboard');
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 10 * 60_000;

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestChange(join(path, entry))), 0);
}

function isCurrent(): boolean {
  const built = join(BUILT, 'index.html');
  return (
    existsSync(built) &&
    Math.max(...SOURCES.map((source) => newestChange(join(root, source)))) <= statSync(built).mtimeMs
  );
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the single-page app into dist/apps/dashboard (what the BFF serves) unless the build is
 * newer than its sources. One build at a time across processes. Vite empties its output folder
 * first, and a browser test or a benchmark running alongside may be serving this one from a
 * stack of its own: so the build goes to a folder beside it, swapped in by two renames once
 * complete, and a page is never served from a half-made build. Answers whether it built.
 */
export function buildDashboardIfStale(log: (message: string) => void = () => undefined): boolean {
  if (isCurrent()) return false;
  const lock = join(root, 'dist/apps/.dashboard-build.lock');
  mkdirSync(join(root, 'dist/apps'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    // Another process may have built it while this one waited.
    if (isCurrent()) return false;
    log('Building the dashboard (apps/dashboard)…');
    const staging = `${BUILT}.building`;
    const retired = `${BUILT}.retired`;
    rmSync(staging, { recursive: true, force: true });
    const result = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'apps/dashboard/vite.config.mts',
        '--outDir',
        staging,
        '--logLevel',
        'warn',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`Building the dashboard failed:\n${result.stdout}${result.stderr}`);
    rmSync(retired, { recursive: true, force: true });
    if (existsSync(BUILT)) renameSync(BUILT, retired);
    renameSync(staging, BUILT);
    rmSync(retired, { recursive: true, force: true });
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
