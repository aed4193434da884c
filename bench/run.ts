/**
 * `npm run bench` (= `npx tsx bench/run.ts`): starts PostgreSQL, Kafka and the services (or uses
 * a running system named by BENCH_EXECUTION_URL, BENCH_METRICS_URL, BENCH_KAFKA_BROKERS,
 * BENCH_TOPIC_PREFIX, BENCH_DATABASE_URL), runs every scenario side by side, prints the table and
 * writes docs/benchmarks/results.json and docs/benchmarks.md.
 *   --quick        about a minute: fewer rates, shorter runs, one scale size (CI smoke run);
 *                  writes to a temporary folder unless --out is given
 *   --out <dir>    where results.json (and benchmarks.md) go
 *   --render       only rewrite benchmarks.md from the results.json already in --out (e.g. after editing bench/findings.md)
 * Scenarios can be run alone: bench/freshness.ts, throughput.ts, baselines.ts, accept-path.ts, api-latency.ts,
 * scaling.ts, hot-path-profile.ts, metrics-update-cost.ts, metrics-drain.ts, operations-overhead.ts,
 * dashboard.ts, measurement-ingest.ts, simulation.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { acceptPath } from './accept-path';
import { apiLatency } from './api-latency';
import { baselines } from './baselines';
import { dashboard } from './dashboard';
import { freshness } from './freshness';
import { hotPathProfile } from './hot-path-profile';
import { measurementIngest } from './measurement-ingest';
import { httpFloor } from './http-floor';
import { metricsDrain } from './metrics-drain';
import { metricsRebuild } from './metrics-rebuild';
import { operationsOverhead } from './operations-overhead';
import { renderMarkdown } from './lib/report';
import { createContext, log } from './lib/scenario';
import { nowMs, ratio, round } from './lib/stats';
import { BenchSystem } from './lib/system';
import { scaling, scalingSqlSeededSideBySide } from './scaling';
import { simulation } from './simulation';
import { notificationDigest } from './notification-digest';
import { planImport } from './plan-import';
import { throughput } from './throughput';

const root = resolve(__dirname, '..');

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** The in-process cost of one update through metrics at 1,000 and 100,000 tasks, run as its own process on the same PostgreSQL. */
function metricsUpdateCost(system: BenchSystem, quick: boolean): unknown {
  const script = join(__dirname, 'metrics-update-cost.ts');
  if (quick) return { skipped: 'not in --quick (it seeds 100,000 tasks)' };
  const ownFile = join(root, 'docs/benchmarks/metrics-update-cost.json');
  const started = nowMs();
  // Under ts-node, not tsx: it builds Nest providers in process, which needs decorator metadata.
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', script], {
    cwd: root,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', DATABASE_URL: system.databaseUrl, BENCH_UPDATES: '50' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (run.status !== 0) return { failed: `exit ${run.status}: ${(run.stderr || run.stdout).slice(-500)}` };
  log(run.stdout.trim());
  const report = JSON.parse(readFileSync(ownFile, 'utf8'));
  return { ...report, wallSeconds: round((nowMs() - started) / 1000, 0) };
}

/** The analysis written by hand after the latest full run (bench/findings.md), shown under the figures it cites. */
function findings(quick: boolean): string | undefined {
  const file = join(__dirname, 'findings.md');
  return !quick && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const out = resolve(argument('--out') ?? (quick ? join(tmpdir(), 'throughline-bench') : join(root, 'docs')));
  if (process.argv.includes('--render')) {
    const saved = JSON.parse(readFileSync(join(out, 'benchmarks', 'results.json'), 'utf8'));
    writeFileSync(join(out, 'benchmarks.md'), renderMarkdown(saved, findings(saved.quick)));
    return;
  }
  const command = `npx tsx bench/run.ts${quick ? ' --quick' : ''}`;
  const started = nowMs();
  const loadBefore = loadavg();
  const system = new BenchSystem({ quick });
  // Ctrl-C: stop the services, the broker and the database this run started, then leave.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void system.stop().finally(() => process.exit(130)));
  const results: Record<string, unknown> = {};
  try {
    await system.start(log);
    const context = createContext(system, quick, log);
    const step = async <R>(name: string, run: () => Promise<R>): Promise<R> => {
      try {
        return await run();
      } finally {
        for (const death of system.newExits()) {
          log(
            `${death.service} died during ${name} (${JSON.stringify(death.exit)}) and was restarted; its last output:\n${death.output}`,
          );
          serviceExits.push({ during: name, service: death.service, exit: death.exit });
        }
      }
    };
    const serviceExits: unknown[] = [];
    results.serviceExits = serviceExits;
    await step('seeding', () => context.organisation());
    results.freshness = await step('freshness', () => freshness(context));
    results.throughput = await step('throughput', () => throughput(context));
    results.baselines = await step('baselines', () => baselines(context));
    results.acceptPath = await step('accept path', () => acceptPath(context));
    results.apiLatency = await step('api latency', () => apiLatency(context));
    results.httpFloor = await step('http floor', () => httpFloor(context));
    results.metricsUpdateCost = metricsUpdateCost(system, quick);
    results.metricsDrain = quick
      ? { skipped: 'not in --quick (it drains 60,000 reports seven times)' }
      : await step('metrics drain', () => metricsDrain(context));
    // The opt-in 1,000,000-event rebuild (`bench/metrics-rebuild.ts --events 1000000`, ≈ 5 minutes) as last run, dated.
    const millionFile = join(root, 'docs/benchmarks/metrics-rebuild-1m.json');
    if (!quick && existsSync(millionFile))
      results.metricsRebuildMillion = JSON.parse(readFileSync(millionFile, 'utf8'));
    results.metricsRebuild = quick
      ? { skipped: 'not in --quick (it applies 100,000 reports twice)' }
      : await step('metrics rebuild', () => metricsRebuild(context));
    results.scaling = await step('scaling', async () => [
      ...(await scaling(context)),
      // Beside the replayed organisation: 1,000 and 100,000 SQL-seeded tasks, their single updates alternated (issue 15's ratio).
      ...(system.managed && !quick && !(results.metricsUpdateCost as { failed?: string }).failed
        ? (await scalingSqlSeededSideBySide(context)).points
        : []),
    ]);
    results.hotPathProfile = await step('profile', () => hotPathProfile(context));
    results.planImport = await step('plan import', () => planImport(context));
    results.notificationDigest = await step('notification digest', () => notificationDigest(context));
    results.simulation = await step('simulation', () => simulation(context));
    // After the others: it starts a stack of its own (services, identity provider, BFF, Chromium) beside the idle one.
    results.dashboard = await step('dashboard', () => dashboard(context));
    // Last: its four extra metrics replicas join the consumer group.
    results.operationsOverhead = await step('operations overhead', () => operationsOverhead(context));
    // After it: the check-ins it publishes keep metrics busy for a while, which would disturb the others.
    results.measurementIngest = await step('measurement ingest', () => measurementIngest(context));
  } finally {
    await system.stop();
  }
  const cpu = cpus();
  const report = {
    measuredAt: new Date().toISOString(),
    command,
    quick,
    wallSeconds: round((nowMs() - started) / 1000, 0),
    machine: {
      cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
      memoryGb: round(totalmem() / 1024 ** 3, 1),
      loadAverageBefore: loadBefore.map((value) => round(value, 1)),
      loadAverageAfter: loadavg().map((value) => round(value, 1)),
      platform: `${process.platform} ${process.arch}`,
    },
    versions: system.versions,
    startupMs: system.startupMs,
    ...results,
    ratios: ratiosOf(results),
  };
  const json = JSON.stringify(
    report,
    (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  );
  mkdirSync(join(out, 'benchmarks'), { recursive: true });
  writeFileSync(join(out, 'benchmarks', 'results.json'), json + '\n');
  const markdown = renderMarkdown(JSON.parse(json), findings(quick));
  writeFileSync(join(out, 'benchmarks.md'), markdown);
  console.log('\n' + markdown);
  log(
    `done in ${report.wallSeconds} s; wrote ${join(out, 'benchmarks', 'results.json')} and ${join(out, 'benchmarks.md')}`,
  );
}

/** Our figures over the raw parts' figures, measured in the same run. */
function ratiosOf(results: Record<string, unknown>): Record<string, number> {
  const fresh = (results.freshness as Awaited<ReturnType<typeof freshness>>).rates[0];
  const through = results.throughput as Awaited<ReturnType<typeof throughput>>;
  const raw = results.baselines as Awaited<ReturnType<typeof baselines>>;
  return {
    freshnessP50OverKafkaHopP50: ratio(fresh.freshnessMs.p50, raw.kafka.produceToConsumeMs.p50),
    freshnessP99OverKafkaHopP99: ratio(fresh.freshnessMs.p99, raw.kafka.produceToConsumeMs.p99),
    rawPostgresTxPerSecondOverAcceptedUpdatesPerSecond: ratio(
      raw.postgres.transactionsPerSecond,
      through.acceptedPerSecond,
    ),
    updateLatencyP50OverRawTransactionP50: ratio(through.latencyMs.p50, raw.postgres.latencyMs.p50),
  };
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
