// Relative on purpose: jest loads global setup outside its module mapper.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureChromium, startKafkaBroker, startLocalPostgres } from '../../local-infra/src';

/**
 * Once per `npm test`: one real PostgreSQL and one real Kafka broker for the whole run,
 * unless TEST_DATABASE_URL / TEST_KAFKA_BROKERS point at existing ones. Tests isolate
 * themselves with unique schemas, topic prefixes and consumer groups.
 */
export default async function globalSetup(globalConfig: { nonFlagArgs?: string[] }): Promise<void> {
  if (runsBrowserSpecs(globalConfig.nonFlagArgs ?? [])) ensureChromium();
  const started: Array<{ stop(): Promise<void> }> = [];
  if (!process.env.TEST_DATABASE_URL) {
    const postgres = await startLocalPostgres({ database: 'throughline_test' });
    started.push(postgres);
    process.env.TEST_DATABASE_URL = postgres.url;
  }
  if (!process.env.TEST_KAFKA_BROKERS) {
    const broker = await startKafkaBroker();
    started.push(broker);
    process.env.TEST_KAFKA_BROKERS = broker.brokers;
  }
  process.env.THROUGHLINE_DEV_AUTH = 'true';
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  (globalThis as { __throughlineInfra?: typeof started }).__throughlineInfra = started;
}

/** The browser specs (tests/browser/) run in a whole run, or when a path given to jest reaches them. */
const BROWSER_SPEC = 'tests/browser/dashboard.spec.ts';

function runsBrowserSpecs(paths: string[]): boolean {
  return (
    paths.length === 0 || paths.some((path) => new RegExp(path).test(BROWSER_SPEC) || BROWSER_SPEC.startsWith(path))
  );
}
