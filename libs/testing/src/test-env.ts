import { randomBytes } from 'node:crypto';

/** A short unique tag for one test's schemas, topic prefix and consumer groups. */
export function uniqueTag(): string {
  return randomBytes(4).toString('hex');
}

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'TEST_DATABASE_URL is not set: only integration specs (test/ folders, tests/, bench/) get PostgreSQL from the global setup.',
    );
  // Guard: tests create and drop schemas, so they only ever touch a database named for tests.
  if (!/test/i.test(new URL(url).pathname))
    throw new Error(`Refusing to run tests against ${new URL(url).pathname}: the database name must contain "test".`);
  return url;
}

export function testKafkaBrokers(): string {
  const brokers = process.env.TEST_KAFKA_BROKERS;
  if (!brokers)
    throw new Error(
      'TEST_KAFKA_BROKERS is not set: only integration specs (test/ folders, tests/, bench/) get Kafka from the global setup.',
    );
  return brokers;
}

/** Runs `fn` with extra environment variables, restoring the previous values afterwards. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const previous = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
