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

/** Whether something already listens on 127.0.0.1:`port`: binding it fails with EADDRINUSE. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(true) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

export interface PlannedPort {
  port: number;
  /** What is to listen there. */
  what: string;
  /** The environment variable that moves it. */
  setting: string;
}

/**
 * Fails before anything starts when a port something is to listen on is taken, naming the
 * setting that moves it: otherwise the part that needs the port dies halfway through the start
 * with its own, less helpful message (Kafka's is forty lines of its shutdown).
 */
export async function assertPortsFree(planned: PlannedPort[]): Promise<void> {
  const busy: PlannedPort[] = [];
  for (const entry of planned) if (await portInUse(entry.port)) busy.push(entry);
  if (busy.length === 0) return;
  const error = new Error(
    `Already in use on 127.0.0.1: ${busy
      .map(({ port, what, setting }) => `port ${port}, wanted for ${what} (${setting} moves it)`)
      .join('; ')}. Stop what listens there, or set those variables to free ports.`,
  );
  error.stack = error.message;
  throw error;
}
