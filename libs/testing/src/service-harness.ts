import { INestApplication, Type } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createServiceApp, runMigrations, ServiceDatabase } from '@throughline/service-kit';
import { testDatabaseUrl, testKafkaBrokers, withEnv } from './test-env';

export interface TestService {
  app: INestApplication;
  url: string;
  schema: string;
  dataSource: DataSource;
  stop(): Promise<void>;
}

export interface TestServiceOptions {
  /** Shared by the services of one test so they see each other's topics, unique across tests. */
  tag: string;
  database: ServiceDatabase;
  /** Extra environment for this service instance (read while the app is created). */
  env?: Record<string, string>;
}

/** The environment a service instance of a test runs with. */
export function testServiceEnv(options: TestServiceOptions): Record<string, string> {
  return {
    DATABASE_URL: testDatabaseUrl(),
    DB_SCHEMA: `t_${options.tag}_${options.database.defaultSchema}`,
    KAFKA_BROKERS: testKafkaBrokers(),
    KAFKA_TOPIC_PREFIX: `t${options.tag}.`,
    KAFKA_TOPIC_PARTITIONS: '3',
    THROUGHLINE_DEV_AUTH: 'true',
    // Functional tests are not about the rate limit; its own test sets a low one.
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.TEST_LOGS ? 'info' : 'error',
    ...options.env,
  };
}

/** Migrates a fresh schema and starts the real service (HTTP on a free port, relay, consumers). */
export async function startTestService(module: Type<unknown>, options: TestServiceOptions): Promise<TestService> {
  const env = testServiceEnv(options);
  return withEnv(env, async () => {
    await runMigrations(options.database);
    const app = await createServiceApp(module, {
      title: env.DB_SCHEMA,
      description: 'test instance',
    });
    // A service that fails to start (e.g. refused by the broker) lets go of its database and Kafka connections.
    await app.listen(0, '127.0.0.1').catch(async (error: unknown) => {
      await app.close().catch(() => undefined);
      throw error;
    });
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return {
      app,
      url,
      schema: env.DB_SCHEMA,
      dataSource: app.get(DataSource),
      stop: async () => {
        await app.close();
        await dropSchema(env.DB_SCHEMA);
      },
    };
  });
}

export async function dropSchema(schema: string, databaseUrl = testDatabaseUrl()): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
