import { env, EnvOf, readEnv } from '@throughline/config';
import { z } from 'zod';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';

export interface ServiceDatabase {
  /** The service's own schema: nobody else reads or writes it. */
  defaultSchema: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

export const databaseEnvSchema = z.object({
  DATABASE_URL: env.url({
    description:
      'PostgreSQL connection string, also `postgresql://user@/db?host=/socket/dir` for a Unix socket (`npm start` starts one when unset)',
    protocols: ['postgres', 'postgresql'],
    emptyHostAfterCredentials: true,
    required: true,
  }),
  DB_SCHEMA: env.string({
    description: "the service's schema",
    defaultText: "the service's name",
    pattern: /^[a-z_][a-z0-9_]{0,62}$/,
    allowed: 'a lower-case SQL identifier',
  }),
  DB_POOL_SIZE: env.integer({ description: 'connections per service instance', default: 10, min: 1, max: 1000 }),
});
export type DatabaseEnv = EnvOf<typeof databaseEnvSchema>;

/** The database variables, validated (for commands that run outside a Nest application). */
export function databaseEnv(source: NodeJS.ProcessEnv = process.env): DatabaseEnv {
  return readEnv(databaseEnvSchema, source);
}

export function schemaName(database: ServiceDatabase, settings: DatabaseEnv): string {
  return settings.DB_SCHEMA ?? database.defaultSchema;
}

/** TypeORM options for a service: its schema first on the search path, migrations never run implicitly. */
export function dataSourceOptions(database: ServiceDatabase, settings: DatabaseEnv = databaseEnv()): DataSourceOptions {
  const schema = schemaName(database, settings);
  return {
    type: 'postgres',
    url: settings.DATABASE_URL,
    schema,
    entities: database.entities,
    migrations: database.migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    extra: { options: `-c search_path=${schema}`, max: settings.DB_POOL_SIZE },
  };
}

/**
 * Creates the schema if needed and applies pending migrations; returns the names applied.
 * Runners of one schema take turns on a PostgreSQL advisory lock (held by a session of its own,
 * released when it ends, even if the runner dies): replicas starting together — each pod's
 * migrate init container — apply them once, and the others find the schema up to date.
 */
export async function runMigrations(
  database: ServiceDatabase,
  settings: DatabaseEnv = databaseEnv(),
): Promise<string[]> {
  const schema = schemaName(database, settings);
  const lock = new Client({ connectionString: settings.DATABASE_URL });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [`throughline migrations ${schema}`]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const dataSource = new DataSource({
      ...dataSourceOptions(database, settings),
      extra: { options: `-c search_path=${schema}`, max: 1 },
    });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.end();
  }
}
