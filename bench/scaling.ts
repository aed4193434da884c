/**
 * Scaling of metrics with the size of one organisation (1,000 / 10,000 / 100,000 tasks): the
 * events are published in large batches on their own topic prefix, the metrics read models
 * are built by the metrics engineer's replay-rebuild (timed: that is the full rebuild), then a
 * metrics instance starts on them (startup time, memory), applies one progress report per task so
 * that it holds the whole organisation in memory (RSS and its memory gauges then), and takes task
 * updates (the cost of one, alone and in a burst). `npx tsx bench/scaling.ts [--quick]`;
 * `--sql-seeded`: instead, the read models bench/metrics-update-cost.ts seeded (1,000 and 100,000
 * tasks) side by side, and one update's p50 at the largest over the smallest.
 * The instance runs with the NODE_OPTIONS metrics is deployed with (deploy/k8s/base/metrics-service.yaml:
 * its old space sized for its memory bound), or BENCH_METRICS_NODE_OPTIONS (empty: V8's defaults).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createEvent, TaskProgressReportedV1, Topics } from '@throughline/contracts';
import { ensureTopics, eventMessage } from '@throughline/messaging';
import { publishAll, scaleOrganisationEvents } from './lib/org-seed';
import { BenchContext, runStandalone } from './lib/scenario';
import { ScoreWatch } from './lib/score-watch';
import { nowMs, round, sleep, summarize, Summary } from './lib/stats';
import { nextProgress } from './lib/task-updates';
import { METRICS_INPUT_TOPICS } from './lib/system';
import type { ServiceProcess } from '@throughline/testing';

/** What a metrics instance holds once every task of the organisation has been reported on (issue 15: memory at 100,000 tasks). */
export interface HeldMemory {
  /** One progress report per task, applied by the instance before anything else is measured. */
  reports: number;
  applySeconds: number;
  rssMb: number;
  heapUsedMb: number;
  /** `throughline_metrics_memory_entries` and `_organisations` from the instance's /metrics. */
  memoryEntries: number;
  memoryOrganisations: number;
  /** The instance's NODE_OPTIONS (its old space sets how much garbage V8 lets the RSS carry). */
  nodeOptions: string;
}

export interface UpdateCost {
  metricsStartupMs: number;
  metricsRssMbAfterStart: number;
  /** The organisation's memory after every task was reported on: the single and burst updates run with it held. */
  held: HeldMemory;
  metricsRssMbAfterUpdates: number;
  /** One update alone: published to the first score-changed event it caused. */
  singleUpdateMs: Summary;
  /** A burst of updates published at once: until the last one's score change arrived, per update. */
  burstUpdates: number;
  burstMsPerUpdate: number;
  unobserved: number;
}

export interface ScalePoint extends UpdateCost {
  tasks: number;
  /** How the read models were built: replaying the events, or SQL inserts (bench/metrics-update-cost.ts). */
  seededBy: 'replay-rebuild' | 'sql';
  /** Its single updates alternated with those of another size's instance, so both shared whatever else the machine did. */
  alternated: boolean;
  events: number | null;
  publishSeconds: number | null;
  rebuildSeconds: number | null;
  rebuildEventsPerSecond: number | null;
}

export interface UpdatableTask {
  id: string;
  goalId: string;
  managerId: string;
  orgId: string;
  progress: number;
}

export function progressEvent(task: UpdatableTask, correlationId: string, time: Date | undefined, taskVersion: number) {
  const data = {
    taskId: task.id,
    goalId: task.goalId,
    managerId: task.managerId,
    progress: nextProgress(task.progress),
    note: null,
    reportedBy: task.managerId,
    reportedAt: (time ?? new Date()).toISOString(),
    taskVersion,
  };
  const event = createEvent(TaskProgressReportedV1, data, {
    source: '/throughline/execution-service',
    orgId: task.orgId,
    correlationId,
    actorId: task.managerId,
    time,
  });
  return { topic: Topics.Tasks, message: eventMessage(event.key, JSON.stringify(event.envelope), event.envelope) };
}

export async function topicsFor(context: BenchContext, prefix: string): Promise<string[]> {
  const topics = [...METRICS_INPUT_TOPICS, Topics.Scores, Topics.Alerts].map((topic) => prefix + topic);
  await ensureTopics(context.system.admin, topics, 6);
  return topics;
}

/**
 * Every task reported on once, so the instance holds the whole organisation in memory (tasks,
 * chains, scopes) as it does after applying its events: then its memory, as the process and
 * its gauges report it.
 */
async function holdOrganisation(
  context: BenchContext,
  prefix: string,
  url: string,
  tasks: UpdatableTask[],
  version: number,
  time?: Date,
): Promise<Omit<HeldMemory, 'nodeOptions'>> {
  const { system } = context;
  const reports = tasks.map((task, index) => {
    const report = progressEvent(task, `bench-hold-${index}`, time, version);
    task.progress = JSON.parse(String(report.message.value)).data.progress;
    return report;
  });
  const started = nowMs();
  // 2,000 reports of one organisation can exceed the broker's megabyte per partition and request.
  await publishAll(system, prefix, reports);
  if (Number.isNaN(await system.timeToZeroLag(900_000, prefix)))
    throw new Error('the holding reports were not applied');
  const applySeconds = round((nowMs() - started) / 1000, 1);
  const gauges = await system.serviceSamples(url, [
    'process_resident_memory_bytes',
    'nodejs_heap_size_used_bytes',
    'throughline_metrics_memory_entries',
    'throughline_metrics_memory_organisations',
  ]);
  return {
    reports: reports.length,
    applySeconds,
    rssMb: round(gauges.process_resident_memory_bytes / 1024 / 1024, 0),
    heapUsedMb: round(gauges.nodejs_heap_size_used_bytes / 1024 / 1024, 0),
    memoryEntries: gauges.throughline_metrics_memory_entries,
    memoryOrganisations: gauges.throughline_metrics_memory_organisations,
  };
}

/**
 * A metrics instance started on read models of one size, holding the whole organisation in
 * memory (every task reported on once): then task updates through Kafka, alone and in a burst.
 * `time` keeps the events on the organisation's day where the read models were seeded for another day.
 */
class HeldInstance {
  private singles: number[] = [];
  private unobserved = 0;
  private readonly singleCount: number;

  private constructor(
    private readonly context: BenchContext,
    private readonly prefix: string,
    private readonly metrics: ServiceProcess,
    private readonly watch: ScoreWatch,
    private readonly tasks: UpdatableTask[],
    private readonly version: number,
    private readonly time: Date | undefined,
    private readonly started: { startupMs: number; rssMb: number; held: HeldMemory },
  ) {
    this.singleCount = context.quick ? 5 : 40;
  }

  static async start(
    context: BenchContext,
    prefix: string,
    schema: string,
    tasks: UpdatableTask[],
    time?: Date,
  ): Promise<HeldInstance> {
    const { system } = context;
    // Read models seeded for another day: the service's clock stays on it, or its first time pass would re-date every task (a different cost).
    const clock: Record<string, string> = time
      ? { METRICS_CLOCK: 'manual', METRICS_CLOCK_START: time.toISOString() }
      : {};
    const nodeOptions = process.env.BENCH_METRICS_NODE_OPTIONS ?? deployedNodeOptions();
    const { process: metrics, startupMs } = await system.startService('metrics-service', schema, {
      KAFKA_TOPIC_PREFIX: prefix,
      ...clock,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    });
    const watch = new ScoreWatch(system, prefix);
    try {
      // Newer than any report already applied (a run on the same read models before), so none is skipped as stale.
      const [{ version }] = await system.query<{ version: number }>(
        `SELECT coalesce(max(progress_version), 0)::int AS version FROM ${schema}.task_rm`,
      );
      const rssMb = await system.residentMemoryMb(metrics.url);
      const held = { ...(await holdOrganisation(context, prefix, metrics.url, tasks, version + 1, time)), nodeOptions };
      context.log(
        `${tasks.length} tasks held: ${held.reports} reports applied in ${held.applySeconds} s; RSS ${held.rssMb} MB (heap used ${held.heapUsedMb} MB), ${held.memoryEntries} memory entries over ${held.memoryOrganisations} organisation(s); NODE_OPTIONS=${JSON.stringify(nodeOptions)}`,
      );
      await watch.start();
      await sleep(500);
      return new HeldInstance(context, prefix, metrics, watch, tasks, version + 2, time, { startupMs, rssMb, held });
    } catch (error) {
      await watch.stop();
      await metrics.stop();
      throw error;
    }
  }

  /** The `index`-th of the single updates: published alone, timed to the first score change it caused. */
  async single(index: number): Promise<void> {
    const correlationId = `bench-scale-${randomUUID()}`;
    // The wall clock, as the score watch's receipt times.
    const sent = Date.now();
    await publishAll(this.context.system, this.prefix, [
      progressEvent(this.tasks[index], correlationId, this.time, this.version),
    ]);
    if ((await this.watch.waitFor([correlationId], 10_000)) === 0)
      this.singles.push(this.watch.reflectedAt(correlationId)! - sent);
    else this.unobserved++;
  }

  async singlesAndBurst(): Promise<UpdateCost> {
    for (let index = this.singles.length + this.unobserved; index < this.singleCount; index++) await this.single(index);
    const burstTasks = this.tasks.slice(this.singleCount, this.singleCount + (this.context.quick ? 20 : 150));
    const ids = burstTasks.map(() => `bench-burst-${randomUUID()}`);
    const started = Date.now();
    await publishAll(
      this.context.system,
      this.prefix,
      burstTasks.map((task, index) => progressEvent(task, ids[index], this.time, this.version)),
    );
    const unobserved = this.unobserved + (await this.watch.waitFor(ids, 180_000));
    const last = Math.max(...ids.map((id) => this.watch.reflectedAt(id) ?? Number.NaN).filter(Number.isFinite));
    return {
      metricsStartupMs: this.started.startupMs,
      metricsRssMbAfterStart: this.started.rssMb,
      held: this.started.held,
      metricsRssMbAfterUpdates: await this.context.system.residentMemoryMb(this.metrics.url),
      singleUpdateMs: summarize(this.singles),
      burstUpdates: burstTasks.length,
      burstMsPerUpdate: round((last - started) / burstTasks.length, 1),
      unobserved,
    };
  }

  get singleUpdates(): number {
    return this.singleCount;
  }

  async stop(): Promise<void> {
    await this.watch.stop();
    await this.metrics.stop();
  }
}

async function measureUpdates(
  context: BenchContext,
  prefix: string,
  schema: string,
  tasks: UpdatableTask[],
  time?: Date,
): Promise<UpdateCost> {
  const instance = await HeldInstance.start(context, prefix, schema, tasks, time);
  try {
    return await instance.singlesAndBurst();
  } finally {
    await instance.stop();
  }
}

const root = resolve(__dirname, '..');

/**
 * Metrics' rebuild command as an operator runs it (`npm start -- --rebuild-metrics` runs the same
 * build): its own process, so the rebuild gets the decorator metadata Nest injects by, which the
 * benchmark's runtime (tsx) does not emit. The timing includes the process's start (about a second).
 */
async function replayRebuild(env: Record<string, string>): Promise<{ eventsApplied: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', join(root, 'tools/runtime-paths.js'), join(root, 'dist/apps/metrics-service/src/rebuild.js')],
    { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000 },
  );
  const applied = /rebuilt from (\d+) events/.exec(stdout);
  if (!applied) throw new Error(`the rebuild printed no report:\n${stdout.slice(-2000)}`);
  return { eventsApplied: Number(applied[1]) };
}

/** Events published in batches, read models built by the full replay-rebuild (timed), then updates. */
export async function replayedPoint(context: BenchContext, tasks: number): Promise<ScalePoint> {
  const { system, log } = context;
  const prefix = `${system.prefix}s${tasks}.`;
  const schema = system.schema('metrics-service', `_s${tasks}`);
  await system.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await system.migrate('metrics-service', schema);
  const topics = await topicsFor(context, prefix);
  const { organisation, events } = scaleOrganisationEvents(tasks);
  let started = nowMs();
  await publishAll(system, prefix, events);
  const publishSeconds = round((nowMs() - started) / 1000, 1);
  started = nowMs();
  const env = {
    DATABASE_URL: system.databaseUrl!,
    DB_SCHEMA: schema,
    KAFKA_BROKERS: system.brokers,
    KAFKA_TOPIC_PREFIX: prefix,
  };
  const report = await replayRebuild(env);
  const rebuildSeconds = round((nowMs() - started) / 1000, 1);
  log(
    `${tasks} tasks: ${events.length} events published in ${publishSeconds} s; full replay-rebuild ${rebuildSeconds} s (${report.eventsApplied} applied)`,
  );
  try {
    const updatable = organisation.tasks.map((task) => ({ ...task, orgId: organisation.orgId, progress: 0 }));
    const cost = await measureUpdates(context, prefix, schema, updatable);
    log(
      `${tasks} tasks (replayed): metrics started in ${cost.metricsStartupMs} ms, RSS ${cost.metricsRssMbAfterUpdates} MB; one update p50 ${cost.singleUpdateMs.p50} ms; burst ${cost.burstMsPerUpdate} ms per update`,
    );
    return {
      tasks,
      seededBy: 'replay-rebuild',
      alternated: false,
      events: events.length,
      publishSeconds,
      rebuildSeconds,
      rebuildEventsPerSecond: round(report.eventsApplied / rebuildSeconds, 1),
      ...cost,
    };
  } finally {
    await system.admin.deleteTopics({ topics }).catch(() => undefined);
    await system.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

/** Read models seeded with SQL by bench/metrics-update-cost.ts (schema bench_metrics_<size>), made ready for a real metrics process. */
async function sqlSeeded(context: BenchContext, schema: string) {
  const { system } = context;
  const [{ as_of: asOf }] = await system.query<{ as_of: string }>(
    `SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of FROM ${schema}.org_state LIMIT 1`,
  );
  // Every task, so the instance holds the whole organisation; those past their due date first, for the measured updates: all their planned value counts and each progress report moves the score (one that moved nothing would publish no score change).
  const rows = await system.query<{
    task_id: string;
    goal_id: string;
    manager_id: string;
    org_id: string;
    progress: number;
  }>(
    `SELECT task_id, goal_id, manager_id, org_id, progress FROM ${schema}.task_rm ORDER BY due_date < $1 DESC, random()`,
    [asOf],
  );
  const prefix = `${system.prefix}q${rows.length}.`;
  const topics = await topicsFor(context, prefix);
  // The seeding script scored everything once and left those score events in the outbox for its own topic prefix; they are not what is measured here.
  await system.query(`UPDATE ${schema}.outbox_event SET published_at = now() WHERE published_at IS NULL`);
  return {
    schema,
    prefix,
    topics,
    time: new Date(`${asOf}T12:00:00Z`),
    tasks: rows.map((row) => ({
      id: row.task_id,
      goalId: row.goal_id,
      managerId: row.manager_id,
      orgId: row.org_id,
      progress: row.progress,
    })),
  };
}

function sqlSeededPointOf(context: BenchContext, tasks: number, cost: UpdateCost): ScalePoint {
  context.log(
    `${tasks} tasks (SQL-seeded): metrics started in ${cost.metricsStartupMs} ms, RSS ${cost.metricsRssMbAfterUpdates} MB after the updates; one update p50 ${cost.singleUpdateMs.p50} ms; burst ${cost.burstMsPerUpdate} ms per update`,
  );
  return {
    tasks,
    seededBy: 'sql',
    alternated: true,
    events: null,
    publishSeconds: null,
    rebuildSeconds: null,
    rebuildEventsPerSecond: null,
    ...cost,
  };
}

export function scaleSizes(quick: boolean): number[] {
  if (process.env.BENCH_SCALE_SIZES) return process.env.BENCH_SCALE_SIZES.split(',').map(Number);
  // A replay applies one event per transaction (about 20-50 per second on the 2-core machine): 10,000 and 100,000 take many minutes, so they are opt-in.
  return quick ? [100] : [1_000];
}

export async function scaling(context: BenchContext): Promise<ScalePoint[]> {
  if (!context.system.managed) {
    context.log(
      'scaling skipped: it starts and stops metrics instances, so it needs the system the benchmark starts itself',
    );
    return [];
  }
  const points: ScalePoint[] = [];
  for (const size of scaleSizes(context.quick)) points.push(await replayedPoint(context, size));
  return points;
}

/** The schemas bench/metrics-update-cost.ts seeded on this PostgreSQL (bench_metrics_<tasks>), smallest first. */
async function sqlSeededSchemas(context: BenchContext): Promise<string[]> {
  const schemas = await context.system.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname ~ '^bench_metrics_[0-9]+$' ORDER BY length(nspname), nspname`,
  );
  return schemas.map(({ nspname }) => nspname);
}

/**
 * The smallest and the largest read models bench/metrics-update-cost.ts seeded (1,000 and 100,000
 * tasks, the same shape), an instance on each, both holding their whole organisation; the single
 * updates alternate between them, so the two sizes share whatever else the machine is doing. One
 * update's p50 at the largest over that at the smallest is the target (≤ 1.3). A full
 * `npm run bench` runs it after metrics-update-cost.ts; standalone: `--sql-seeded`.
 */
export async function scalingSqlSeededSideBySide(
  context: BenchContext,
): Promise<{ points: ScalePoint[]; oneUpdateLargestOverSmallest: number }> {
  if (!context.system.managed)
    throw new Error('--sql-seeded starts metrics instances: it needs the system the benchmark starts');
  const schemas = await sqlSeededSchemas(context);
  if (schemas.length < 2)
    throw new Error('run bench/metrics-update-cost.ts on this PostgreSQL first (it seeds 1,000 and 100,000 tasks)');
  const sizes = [await sqlSeeded(context, schemas[0]), await sqlSeeded(context, schemas.at(-1)!)];
  const instances: HeldInstance[] = [];
  try {
    for (const size of sizes)
      instances.push(await HeldInstance.start(context, size.prefix, size.schema, size.tasks, size.time));
    for (let index = 0; index < instances[0].singleUpdates; index++)
      for (const instance of instances) await instance.single(index);
    const points: ScalePoint[] = [];
    for (const [index, instance] of instances.entries())
      points.push(sqlSeededPointOf(context, sizes[index].tasks.length, await instance.singlesAndBurst()));
    const ratio = round(points[1].singleUpdateMs.p50 / points[0].singleUpdateMs.p50, 2);
    context.log(`one update at ${points[1].tasks} tasks ÷ at ${points[0].tasks}: ${ratio} (p50 over p50, alternated)`);
    return { points, oneUpdateLargestOverSmallest: ratio };
  } finally {
    for (const instance of instances) await instance.stop();
    for (const size of sizes) await context.system.admin.deleteTopics({ topics: size.topics }).catch(() => undefined);
  }
}

/** The NODE_OPTIONS the Kubernetes deployment gives metrics, so memory is measured as it runs there. */
function deployedNodeOptions(): string {
  const manifest = readFileSync(resolve(__dirname, '../deploy/k8s/base/metrics-service.yaml'), 'utf8');
  const value = /name: NODE_OPTIONS, value: '([^']*)'/.exec(manifest)?.[1];
  if (value === undefined) throw new Error('deploy/k8s/base/metrics-service.yaml sets no NODE_OPTIONS for metrics');
  return value;
}

if (require.main === module) {
  if (process.argv.includes('--sql-seeded')) runStandalone('scaling', scalingSqlSeededSideBySide);
  else runStandalone('scaling', scaling);
}
