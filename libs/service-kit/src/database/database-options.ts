import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';

export interface ServiceDatabase {
  /** The service's own schema: nobody else reads or writes it. */
  defaultSchema: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (npm start sets it to the PostgreSQL it starts).');
  return url;
}

export function schemaName(database: ServiceDatabase, env: NodeJS.ProcessEnv = process.env): string {
  const schema = env.DB_SCHEMA ?? database.defaultSchema;
  if (!SCHEMA_NAME.test(schema)) throw new Error(`DB_SCHEMA must be a lower-case SQL identifier, got "${schema}"`);
  return schema;
}

/** TypeORM options for a service: its schema first on the search path, migrations never run implicitly. */
export function dataSourceOptions(database: ServiceDatabase, env: NodeJS.ProcessEnv = process.env): DataSourceOptions {
  const schema = schemaName(database, env);
  return {
    type: 'postgres',
    url: databaseUrl(env),
    schema,
    entities: database.entities,
    migrations: database.migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    extra: { options: `-c search_path=${schema}`, max: Number(env.DB_POOL_SIZE ?? 10) },
  };
}

/** Creates the schema if needed and applies pending migrations; returns the names applied. */
export async function runMigrations(
  database: ServiceDatabase,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const schema = schemaName(database, env);
  const client = new Client({ connectionString: databaseUrl(env) });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
  const dataSource = new DataSource({
    ...dataSourceOptions(database, env),
    extra: { options: `-c search_path=${schema}`, max: 1 },
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
