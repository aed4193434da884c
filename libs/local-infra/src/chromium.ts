import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium, which the browser tests drive through playwright-core (no browser is downloaded from elsewhere). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Installs Debian's `chromium` package with apt when it is missing, the way the Kafka jars are
 * fetched from Maven Central: once, by the test setup, without a prompt (CI runs as root without
 * stdin). Anywhere else it says in one sentence what to do. Returns the executable's path.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const advice = `The browser tests need Debian's Chromium at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` as root.`;
  if (!existsSync('/usr/bin/apt-get') || process.getuid?.() !== 0) fail(advice);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  let result = install();
  // A fresh image has no package lists yet: read them once and try again.
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    result = install();
  }
  if (result.status !== 0 || !existsSync(CHROMIUM_PATH))
    fail(`Installing Chromium with apt-get failed:\n${result.stdout}${result.stderr}\n${advice}`);
  return CHROMIUM_PATH;
}

function fail(message: string): never {
  const error = new Error(message);
  error.stack = message;
  throw error;
}
