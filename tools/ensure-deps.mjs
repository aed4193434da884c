// Runs before `npm start` and `npm test`: installs dependencies on a fresh clone (or after
// package-lock.json changed), with no dependencies of its own.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Throughline needs Node.js 20 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}

const installedMarker = 'node_modules/.package-lock.json';
const stale = !existsSync(installedMarker) || statSync('package-lock.json').mtimeMs > statSync(installedMarker).mtimeMs;
if (stale) {
  console.log('Installing dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
