/**
 * `npm start`: the whole system on this machine. Starts PostgreSQL and a single-node Kafka
 * unless DATABASE_URL / KAFKA_BROKERS point at existing ones, builds, migrates, runs the
 * services, and prints where they are. Ctrl-C stops everything it started.
 * `npm start -- --rebuild-metrics` first rebuilds metrics' read models by replaying the topics.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertPortsFree,
  buildDashboardIfStale,
  KAFKA_VERSION,
  startKafkaBroker,
  startLocalPostgres,
  startMailInbox,
  superviseInOwnProcessGroup,
} from '../libs/local-infra/src';
import { startDevIdentityProvider } from '../apps/dev-identity-provider/src/dev-identity-provider';
import { DEMO_ACCOUNTS } from './demo/demo-organisation';
import { describeDemoLoad, loadDemoOrganisation } from './demo/load-demo';

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

/** A service `npm start` runs: its port is read from `portSetting`. */
const serviceToStart = (name: string, portSetting: string, defaultPort: number, schema: string) => ({
  name,
  portSetting,
  port: Number(process.env[portSetting] ?? defaultPort),
  schema,
});

const SERVICES = [
  serviceToStart('strategy-service', 'STRATEGY_PORT', 3001, 'strategy'),
  serviceToStart('execution-service', 'EXECUTION_PORT', 3002, 'execution'),
  serviceToStart('metrics-service', 'METRICS_PORT', 3003, 'metrics'),
  serviceToStart('integrations-service', 'INTEGRATIONS_PORT', 3004, 'integrations'),
];

const DASHBOARD_PORT = Number(process.env.DASHBOARD_PORT ?? 3000);
const MAIL_SMTP_PORT = Number(process.env.MAIL_SMTP_PORT ?? 1025);
const MAIL_WEB_PORT = Number(process.env.MAIL_WEB_PORT ?? 1080);
const IDP_PORT = Number(process.env.DEV_IDP_PORT ?? 3010);
const DASHBOARD_CLIENT = {
  clientId: 'throughline-dashboard',
  clientSecret: 'throughline-dashboard-development-secret',
};

const root = join(__dirname, '..');
const started: Stoppable[] = [];
let stopping = false;

function log(message: string): void {
  console.log(`[throughline] ${message}`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const stateDir = join(tmpdir(), 'throughline-dev');
  mkdirSync(stateDir, { recursive: true });
  await assertPortsFree([
    ...SERVICES.map((service) => ({ port: service.port, what: service.name, setting: service.portSetting })),
    { port: DASHBOARD_PORT, what: 'the dashboard', setting: 'DASHBOARD_PORT' },
    { port: IDP_PORT, what: 'the development identity provider', setting: 'DEV_IDP_PORT' },
    ...(process.env.NOTIFY_SMTP_URL
      ? []
      : [
          { port: MAIL_SMTP_PORT, what: 'the local mail server (SMTP)', setting: 'MAIL_SMTP_PORT' },
          { port: MAIL_WEB_PORT, what: "the local mail server's inbox", setting: 'MAIL_WEB_PORT' },
        ]),
  ]);

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    log('DATABASE_URL not set: starting a local PostgreSQL (data kept between runs)…');
    const postgres = await startLocalPostgres({
      persistentDir: join(tmpdir(), 'throughline-postgres', 'dev-data'),
      port: Number(process.env.THROUGHLINE_PG_PORT ?? 54329),
    });
    started.push({ name: 'PostgreSQL', stop: () => postgres.stop() });
    databaseUrl = postgres.url;
  }

  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    log(
      `KAFKA_BROKERS not set: starting Apache Kafka ${KAFKA_VERSION} (KRaft, single node; first run downloads it from Maven Central)…`,
    );
    stopLeftoverBroker(join(stateDir, 'kafka.pid'));
    const kafkaPort = Number(process.env.THROUGHLINE_KAFKA_PORT ?? 19092);
    await assertPortsFree([{ port: kafkaPort, what: 'Apache Kafka', setting: 'THROUGHLINE_KAFKA_PORT' }]);
    const broker = await startKafkaBroker({
      dataDir: join(stateDir, 'kafka'),
      port: kafkaPort,
      ownProcessGroup: true,
    });
    writeFileSync(join(stateDir, 'kafka.pid'), String(broker.pid));
    started.push({ name: 'Kafka', stop: () => broker.stop() });
    brokers = broker.brokers;
  }

  let smtpUrl = process.env.NOTIFY_SMTP_URL;
  let mailInboxUrl: string | undefined;
  if (!smtpUrl) {
    log('NOTIFY_SMTP_URL not set: starting a local mail server with a web inbox (MailDev)…');
    const inbox = await startMailInbox({ smtpPort: MAIL_SMTP_PORT, webPort: MAIL_WEB_PORT });
    started.push({ name: 'mail inbox', stop: () => inbox.stop() });
    smtpUrl = inbox.smtpUrl;
    mailInboxUrl = inbox.webUrl;
  }

  log('Building…');
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
    { stdio: 'inherit', cwd: root },
  );
  if (build.status !== 0) throw new Error('The build failed (see the compiler output above).');

  const dashboardUrl = `http://127.0.0.1:${DASHBOARD_PORT}`;
  const idp = await startDevIdentityProvider({
    port: IDP_PORT,
    users: DEMO_ACCOUNTS,
    clients: [
      {
        ...DASHBOARD_CLIENT,
        redirectUris: [`${dashboardUrl}/auth/callback`],
        postLogoutRedirectUris: [`${dashboardUrl}/`],
      },
    ],
    secretsFile: join(stateDir, 'dev-identity-provider.json'),
  });
  started.push({ name: 'identity provider', stop: () => idp.stop() });

  const env = {
    ...process.env,
    // The development identity provider's tokens, beside `npm run token`'s.
    AUTH_ISSUER: process.env.AUTH_ISSUER ?? idp.issuer,
    AUTH_JWKS_URL: process.env.AUTH_JWKS_URL ?? idp.jwksUrl,
    AUTH_DIRECTORY_URL: process.env.AUTH_DIRECTORY_URL ?? `http://127.0.0.1:${SERVICES[0].port}`,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    THROUGHLINE_DEV_AUTH: process.env.THROUGHLINE_DEV_AUTH ?? 'true',
    // Readable lines for people at a terminal; JSON (the services' default) everywhere else.
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    NOTIFY_SMTP_URL: smtpUrl,
    NOTIFY_DASHBOARD_URL: process.env.NOTIFY_DASHBOARD_URL ?? dashboardUrl,
    NOTIFY_UNSUBSCRIBE_URL: process.env.NOTIFY_UNSUBSCRIBE_URL ?? `http://127.0.0.1:${SERVICES[3].port}`,
  };
  for (const service of SERVICES) {
    const migrate = spawnSync(
      process.execPath,
      ['-r', join(root, 'tools/runtime-paths.js'), entry(service.name), 'migrate'],
      { stdio: 'inherit', cwd: root, env: { ...env, DB_SCHEMA: service.schema } },
    );
    if (migrate.status !== 0) throw new Error(`Migrating ${service.name} failed.`);
  }

  if (process.argv.includes('--rebuild-metrics')) {
    log('Rebuilding the metrics read models from the topics (--rebuild-metrics)…');
    const rebuild = spawnSync(
      process.execPath,
      ['-r', join(root, 'tools/runtime-paths.js'), join(root, 'dist/apps/metrics-service/src/rebuild.js')],
      { stdio: 'inherit', cwd: root, env: { ...env, DB_SCHEMA: 'metrics' } },
    );
    if (rebuild.status !== 0) throw new Error('Rebuilding the metrics read models failed.');
  }

  for (const service of SERVICES) {
    const child = spawn(process.execPath, ['-r', join(root, 'tools/runtime-paths.js'), entry(service.name), 'serve'], {
      cwd: root,
      env: { ...env, DB_SCHEMA: service.schema, PORT: String(service.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    prefixOutput(child, service.name);
    child.once('exit', (code) => {
      if (!stopping) {
        log(`${service.name} exited unexpectedly (code ${code}); stopping everything.`);
        void shutdown(1);
      }
    });
    started.push({ name: service.name, stop: () => stopChild(child) });
  }
  await Promise.all(SERVICES.map((service) => waitReady(service.port, service.name)));

  log('Loading the demo organisation through the APIs (once; a no-op when it is there)…');
  const demo = await loadDemoOrganisation({
    strategyUrl: `http://127.0.0.1:${SERVICES[0].port}`,
    executionUrl: `http://127.0.0.1:${SERVICES[1].port}`,
  });
  log(describeDemoLoad(demo));

  buildDashboardIfStale(log);
  const bffEnv = {
    ...env,
    DB_SCHEMA: 'dashboard',
    PORT: String(DASHBOARD_PORT),
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: DASHBOARD_CLIENT.clientId,
    OIDC_CLIENT_SECRET: DASHBOARD_CLIENT.clientSecret,
    ...Object.fromEntries(
      SERVICES.map((service) => [`${service.schema.toUpperCase()}_URL`, `http://127.0.0.1:${service.port}`]),
    ),
  };
  const bffEntry = join(root, 'dist/apps/dashboard-bff/src/main.js');
  const migrateBff = spawnSync(process.execPath, ['-r', join(root, 'tools/runtime-paths.js'), bffEntry, 'migrate'], {
    stdio: 'inherit',
    cwd: root,
    env: bffEnv,
  });
  if (migrateBff.status !== 0) throw new Error('Migrating the dashboard sessions failed.');
  const bff = spawn(process.execPath, ['-r', join(root, 'tools/runtime-paths.js'), bffEntry, 'serve'], {
    cwd: root,
    env: bffEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  prefixOutput(bff, 'dashboard-bff');
  started.push({ name: 'dashboard-bff', stop: () => stopChild(bff) });
  await waitFor(`${dashboardUrl}/auth/session`, 'dashboard-bff', (status) => status === 401 || status === 200);

  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(
    [
      '',
      `Throughline is up (${seconds} s). Ctrl-C stops everything.`,
      '',
      ...SERVICES.map(
        (service) =>
          `  ${service.name.padEnd(21)} http://127.0.0.1:${service.port}/v1   docs: http://127.0.0.1:${service.port}/docs   health: /health/ready`,
      ),
      '',
      `  PostgreSQL  ${databaseUrl.replace(/\/\/[^@]*@/, '//')}`,
      `  Kafka       ${brokers}`,
      `  AsyncAPI    http://127.0.0.1:${SERVICES[3].port}/docs/asyncapi.json (event catalogue; webhooks at /v1/webhooks)`,
      '',
      '  Tokens (development mode): npm run token -- --role admin --org <organisation uuid> --person <person uuid>',
      `  Identity provider (development): ${idp.issuer}`,
      `  Mail: ${mailInboxUrl ? `inbox ${mailInboxUrl} (SMTP ${smtpUrl})` : `sent through ${smtpUrl}`}; digests and reminders on their schedule, or now: npm run notify -- digest | reminders`,
      '',
      `  Demo data: ${describeDemoLoad(demo)}.`,
      `  Dashboard: ${dashboardUrl}   sign in as one of the demo organisation's people:`,
      ...DEMO_ACCOUNTS.map(
        (account) =>
          `    ${account.title.padEnd(30)} ${account.name.padEnd(16)} ${account.email.padEnd(20)} password ${account.password}`,
      ),
      '',
    ].join('\n'),
  );
}

/** A broker of an earlier run that was killed before it could stop it would hold the port and the data. */
function stopLeftoverBroker(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka')) {
      log(`stopping a Kafka broker left over from an earlier run (pid ${pid})`);
      process.kill(pid, 'SIGKILL');
    }
  } catch {
    // Gone already, or not ours.
  }
  rmSync(pidFile, { force: true });
}

function entry(service: string): string {
  return join(root, 'dist/apps', service, 'src/main.js');
}

function prefixOutput(child: ChildProcess, name: string): void {
  const prefix = `[${name}] `;
  for (const stream of [child.stdout!, child.stderr!]) {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
}

async function waitFor(url: string, name: string, ready: (status: number) => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if (ready((await fetch(url)).status)) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not answer at ${url} within 60 s.`);
}

async function waitReady(port: number, name: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not become ready on port ${port} within 90 s.`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('Stopping…');
  // Services first (they drain their consumers and relays), then Kafka, then PostgreSQL.
  for (const item of started.reverse()) {
    await item.stop().catch((error) => log(`stopping ${item.name}: ${error}`));
  }
  log('Stopped.');
  process.exit(code);
}

// Ctrl-C reaches only the launcher, which asks this supervisor to stop: services first, PostgreSQL last.
if (superviseInOwnProcessGroup(() => void shutdown(0))) {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  main().catch(async (error) => {
    console.error(`\n[throughline] ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  });
}
