import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { testDatabaseUrl, testKafkaBrokers } from '@throughline/testing';

const root = resolve(__dirname, '..');

/** Every figure the quick run must have produced, as paths into results.json. */
function figures(report: any): Record<string, unknown> {
  const entries: Array<[string, unknown]> = [
    ['startup of execution-service', report.startupMs['execution-service']],
    ['startup of metrics-service', report.startupMs['metrics-service']],
    ['throughput: updates accepted per second', report.throughput.acceptedPerSecond],
    ['throughput: metrics lag at the end', report.throughput.metricsLagAtEnd],
    ['raw PostgreSQL transactions per second', report.baselines.postgres.transactionsPerSecond],
    ['raw Kafka produce→consume p50', report.baselines.kafka.produceToConsumeMs.p50],
    ['ratio of freshness to one Kafka hop', report.ratios.freshnessP50OverKafkaHopP50],
    ['ratio of raw PostgreSQL to execution', report.ratios.rawPostgresTxPerSecondOverAcceptedUpdatesPerSecond],
    ['accept path: accepted ÷ raw', report.acceptPath.medians.acceptedOverRaw],
    ['accept path: execution CPU per update', report.acceptPath.medians.executionCpuMsPerUpdate],
  ];
  for (const rate of report.freshness.rates) {
    entries.push(
      [`freshness at ${rate.targetRate}/s: achieved rate`, rate.achievedRate],
      [`freshness at ${rate.targetRate}/s: p50`, rate.freshnessMs.p50],
      [`freshness at ${rate.targetRate}/s: p99`, rate.freshnessMs.p99],
      [`freshness at ${rate.targetRate}/s: lag at end`, rate.metricsLagAtEnd],
      [`freshness at ${rate.targetRate}/s: cores busy`, rate.machineBusyShare],
      [`freshness at ${rate.targetRate}/s: CPU per update`, rate.cpuMsPerUpdate['whole machine']],
    );
  }
  for (const endpoint of report.apiLatency)
    entries.push([`${endpoint.endpoint} p50`, endpoint.p50], [`${endpoint.endpoint} p99`, endpoint.p99]);
  for (const point of report.scaling)
    entries.push(
      [`${point.tasks} tasks: rebuild seconds`, point.rebuildSeconds],
      [`${point.tasks} tasks: metrics RSS`, point.metricsRssMbAfterUpdates],
      [`${point.tasks} tasks: one update p50`, point.singleUpdateMs.p50],
    );
  for (const server of report.httpFloor.servers)
    entries.push([`http floor, ${server.server}: CPU µs per request`, server.cpuUsPerRequest]);
  for (const service of report.hotPathProfile.services)
    entries.push([`${service.service} profiled busy ms`, service.busyMs]);
  for (const endpoint of report.operationsOverhead.endpoints)
    for (const variant of endpoint.variants)
      entries.push([`${endpoint.endpoint}, ${variant.name}: CPU µs per request`, variant.cpuUsPerRequest]);
  entries.push(['spans exported per traced request', report.operationsOverhead.spansExportedPerTracedRequest]);
  for (const point of report.simulation.points)
    entries.push(
      [`simulation at ${point.tasks} tasks: three changes p99`, point.threeChangesMs.p99],
      [`simulation at ${point.tasks} tasks: new weights p99`, point.reweightMs.p99],
    );
  entries.push(
    ['measurement ingest: NDJSON rows per second', report.measurementIngest.ndjsonPerSecond],
    ['measurement ingest: CSV rows per second', report.measurementIngest.csvPerSecond],
    ['measurement ingest: raw PostgreSQL rows per second', report.measurementIngest.rawPostgresPerSecond],
  );
  if (!report.dashboard.skipped)
    entries.push(
      ['dashboard: first-route JavaScript gzipped', report.dashboard.firstRouteJs.gzipKb],
      ['dashboard: first view after sign-in p50', report.dashboard.firstView.afterSignInMs.p50],
      ["dashboard: update → director's screen p50", report.dashboard.live.updateToScreenMs.p50],
    );
  return Object.fromEntries(entries);
}

describe('npm run bench -- --quick', () => {
  const out = mkdtempSync(join(tmpdir(), 'throughline-bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every scenario against the real system and produces finite figures and the table', async () => {
    // The broker and database jest already started; the runner builds and starts the services itself.
    const env = { ...process.env, BENCH_DATABASE_URL: testDatabaseUrl(), BENCH_KAFKA_BROKERS: testKafkaBrokers() };
    const run = await promisify(execFile)(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'bench/run.ts'), '--quick', '--out', out],
      // About four minutes on a busy 2-core machine, of which a minute or so is the dashboard's own stack and Chromium.
      { cwd: root, env, maxBuffer: 64 * 1024 * 1024, timeout: 540_000 },
    );
    const report = JSON.parse(readFileSync(join(out, 'benchmarks/results.json'), 'utf8'));
    const produced = figures(report);
    expect(report.freshness.rates.length).toBeGreaterThan(0);
    expect(report.apiLatency.length).toBeGreaterThan(0);
    expect(report.scaling.length).toBeGreaterThan(0);
    expect(report.hotPathProfile.services.length).toBe(3);
    expect(report.operationsOverhead.endpoints.length).toBe(2);
    expect(report.httpFloor.servers.length).toBe(7);
    // Skipped only where Chromium cannot be had; the integration tier installs it, so here it runs.
    expect(report.dashboard.skipped).toBeUndefined();
    const missing = Object.entries(produced)
      .filter(([, value]) => typeof value !== 'number' || !Number.isFinite(value))
      .map(([name]) => name);
    // The run's log says why a figure is missing (a scenario's error, an update never painted): a bare list would not.
    if (missing.length > 0)
      throw new Error(
        `figures missing: ${missing.join('; ')}\n\nthe run's log:\n${(run.stdout + run.stderr).slice(-30_000)}`,
      );
    expect(report.acceptPath.rounds.length).toBe(1);
    const markdown = readFileSync(join(out, 'benchmarks.md'), 'utf8');
    expect(markdown).toContain('## Freshness');
    // The targets table, with a row for what the quick run measured (the accept path) and its verdict.
    expect(markdown).toMatch(
      /\| 15 \| execution's accepted updates\/s ÷ raw PostgreSQL row \+ outbox tx\/s \| ≥ 0\.5 \| [\d.]+ \(/,
    );
  }, 600_000);
});
