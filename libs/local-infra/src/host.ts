import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where downloaded artifacts live: outside the repository, shared by every clone. */
export function cacheRoot(): string {
  return (
    process.env.THROUGHLINE_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'throughline')
  );
}

/** Throws a readable error (no stack trace is needed to understand it) when a tool is missing. */
export function requireCommand(command: string, args: string[], advice: string): void {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    const error = new Error(`\`${command}\` was not found or does not run. ${advice}`);
    error.stack = error.message;
    throw error;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
