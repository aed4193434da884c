import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
// The demo organisation is what `npm start` loads; the stack for browser tests is the same one.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { DEMO_ACCOUNTS, DEMO_ORGANISATION } from '../../../tools/demo/demo-organisation';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadDemoOrganisation } from '../../../tools/demo/load-demo';
import { announcedUrl, IdentityProviderProcess, startIdentityProviderProcess, stopProcess } from './identity-provider';
import { buildServices, ServiceProcess } from './service-process';
import { dropSchema } from './service-harness';
import { testDatabaseUrl, testKafkaBrokers, uniqueTag } from './test-env';

const root = resolve(__dirname, '../../..');
const SERVICES = ['strategy', 'execution', 'metrics', 'integrations'] as const;
const CLIENT = { clientId: 'throughline-dashboard', clientSecret: 'dashboard-test-secret' };

export interface DashboardStackOptions {
  /** Lifetime of the identity provider's access tokens (the BFF refreshes them). */
  accessTokenTtlSeconds?: number;
  /** Where the built single-page app is (default dist/apps/dashboard). */
  dashboardDist?: string;
  /** Load the demo organisation (its people are the accounts); default true. */
  demo?: boolean;
  /** PostgreSQL and Kafka to run on (default: the test run's, TEST_DATABASE_URL and TEST_KAFKA_BROKERS); the benchmark passes its own. */
  infrastructure?: { databaseUrl: string; kafkaBrokers: string };
}

export interface DashboardStack {
  /** The one origin a browser opens: sign-in, the app, /api. */
  url: string;
  accounts: typeof DEMO_ACCOUNTS;
  organisation: typeof DEMO_ORGANISATION;
  idp: IdentityProviderProcess;
  serviceUrls: Record<(typeof SERVICES)[number], string>;
  /** Each service as a process, e.g. to stop one and see the dashboard answer 502. */
  services: Record<(typeof SERVICES)[number], ServiceProcess>;
  schemaPrefix: string;
  kafkaTopicPrefix: string;
  /** The backend-for-frontend's environment, e.g. to start a second one against the same stack. */
  bffEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The whole dashboard stack for browser and BFF tests, as processes on free ports: the four
 * services (from the build), the development identity provider, the backend-for-frontend,
 * and the demo organisation loaded through the APIs. Real Kafka and PostgreSQL of the test run.
 */
export async function startDashboardStack(options: DashboardStackOptions = {}): Promise<DashboardStack> {
  buildServices();
  const tag = uniqueTag();
  const { databaseUrl, kafkaBrokers } = options.infrastructure ?? {
    databaseUrl: testDatabaseUrl(),
    kafkaBrokers: testKafkaBrokers(),
  };
  const kafkaTopicPrefix = `t${tag}.`;
  const [bffPort, ...ports] = await Promise.all([freePort(), ...SERVICES.map(() => freePort())]);
  const bffUrl = `http://127.0.0.1:${bffPort}`;
  const idp = await startIdentityProviderProcess({
    users: DEMO_ACCOUNTS,
    ...CLIENT,
    redirectUris: [`${bffUrl}/auth/callback`],
    postLogoutRedirectUris: [`${bffUrl}/`],
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
  });
  const serviceUrls = Object.fromEntries(SERVICES.map((name, i) => [name, `http://127.0.0.1:${ports[i]}`])) as Record<
    (typeof SERVICES)[number],
    string
  >;
  const shared = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_TOPIC_PREFIX: kafkaTopicPrefix,
    KAFKA_TOPIC_PARTITIONS: '3',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    LOG_LEVEL: process.env.TEST_LOGS ? 'info' : 'error',
  };
  const services = {} as Record<(typeof SERVICES)[number], ServiceProcess>;
  const stops: Array<() => Promise<void>> = [() => idp.stop()];
  try {
    await Promise.all(
      SERVICES.map(async (name, i) => {
        const env = {
          ...shared,
          ...idp.serviceEnv,
          DB_SCHEMA: `t_${tag}_${name}`,
          THROUGHLINE_DEV_AUTH: 'true',
          RATE_LIMIT_PER_MINUTE: '1000000',
          ...(name === 'strategy' ? {} : { AUTH_DIRECTORY_URL: serviceUrls.strategy }),
        };
        migrate(`${name}-service`, env);
        const service = new ServiceProcess({ service: `${name}-service`, port: ports[i], env });
        services[name] = service;
        stops.push(async () => {
          await service.stop();
          await dropSchema(env.DB_SCHEMA, databaseUrl);
        });
        service.start();
        await service.waitReady(180_000);
      }),
    );
    if (options.demo !== false)
      await loadDemoOrganisation({ strategyUrl: serviceUrls.strategy, executionUrl: serviceUrls.execution });
    const bffEnv: Record<string, string> = {
      ...shared,
      DB_SCHEMA: `t_${tag}_dashboard`,
      PORT: String(bffPort),
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT.clientId,
      OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      STRATEGY_URL: serviceUrls.strategy,
      EXECUTION_URL: serviceUrls.execution,
      METRICS_URL: serviceUrls.metrics,
      INTEGRATIONS_URL: serviceUrls.integrations,
      ...(options.dashboardDist ? { DASHBOARD_DIST: options.dashboardDist } : {}),
    };
    migrate('dashboard-bff', bffEnv);
    const bff = await startBffProcess(bffEnv);
    stops.push(async () => {
      await stopProcess(bff.child);
      await dropSchema(bffEnv.DB_SCHEMA, databaseUrl);
    });
    return {
      url: bff.url,
      accounts: DEMO_ACCOUNTS,
      organisation: DEMO_ORGANISATION,
      idp,
      serviceUrls,
      services,
      schemaPrefix: `t_${tag}_`,
      kafkaTopicPrefix,
      bffEnv,
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

/** The backend-for-frontend as a process (from the build); resolves once it listens. */
export async function startBffProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'tools/runtime-paths.js'), join(root, 'dist/apps/dashboard-bff/src/main.js'), 'serve'],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await announcedUrl(child, /Dashboard: (http:\/\/\S+)/);
  return { url, child };
}

function migrate(app: string, env: Record<string, string>): void {
  const result = spawnSync(
    process.execPath,
    ['-r', join(root, 'tools/runtime-paths.js'), join(root, 'dist/apps', app, 'src/main.js'), 'migrate'],
    { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`Migrating ${app} failed:\n${result.stdout}${result.stderr}`);
}

async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
