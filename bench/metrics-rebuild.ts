/**
 * Metrics' online rebuild (issue 15): an organisation of 1,000 tasks and a backlog of task
 * progress reports, applied by a running metrics instance; then `metrics:rebuild` (the built
 * command, its own process) rebuilds every read model from the topics beside it while reports
 * keep arriving (10 a second) and switches the instance over. Timed by the rebuild itself from
 * its start to the pause at the switch; the pause is reported on its own. Beside it, in the same
 * run: the running instance's apply rate on the same backlog, and a plain kafkajs consumer
 * (bench/metrics-drain.ts) draining as many reports. After the switch the instance must hold
 * exactly one inbox row per event published (nothing lost, nothing applied twice). The rebuild
 * runs under V8's sampling profiler (--cpu-prof: a few per cent of overhead) to say where its time goes,
 * and counts the statements it sends to PostgreSQL.
 * `npx tsx bench/metrics-rebuild.ts [--quick] [--events 1000000]` (default 100,000 reports: fewer measure mostly its start; --quick 1,000)
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ServiceProfile, summarizeProfile } from './hot-path-profile';
import { plainConsumerDrain } from './metrics-drain';
import { publishAll, scaleOrganisationEvents } from './lib/org-seed';
import { BenchContext, runStandalone } from './lib/scenario';
import { nowMs, round, sleep } from './lib/stats';
import { progressEvent, topicsFor, UpdatableTask } from './scaling';

export interface RebuildResult {
  /** Events on the topics when the rebuild started (setup and reports). */
  events: number;
  /** The running instance applying them (first publish to lag zero). */
  liveApplySeconds: number;
  liveEventsPerSecond: number;
  /** The rebuild: start to the switch, with the instance serving and applying throughout. */
  eventsRebuilt: number;
  rebuildSeconds: number;
  rebuildEventsPerSecond: number;
  /** The switch: how long the instance applied nothing. */
  pausedMs: number;
  publishedAtSwitch: number;
  reportsDuringRebuild: number;
  /** Inbox rows after the switch ÷ (rows before the rebuild + reports published during it): 1 when nothing was lost or doubled. */
  inboxRowsPerEvent: number;
  plainConsumerEventsPerSecond: number;
  /** The rebuild's rate ÷ the plain consumer's, same run. */
  rebuildToPlain: number;
  /** Events/s the 1,000,000-event target in 2 minutes needs. */
  targetEventsPerSecond: number;
  /** The rebuild process's CPU profile (V8's, whole run): busy time by package, and idle (waiting on PostgreSQL and Kafka). */
  profile: ServiceProfile;
  /** SQL statements the rebuild process sent (bench/lib/pg-count-preload.js), per event rebuilt, and the most frequent by their first words. */
  statementsPerEvent: number;
  statementKinds: Array<{ statement: string; count: number }>;
  /** The rebuild process's own CPU (user and system, its whole run including its start) per event rebuilt, in ms. */
  cpuMsPerEvent: number;
}

const TASKS = 1_000;
const root = resolve(__dirname, '..');

function reportsAsked(quick: boolean): number {
  const index = process.argv.indexOf('--events');
  return index > 0 ? Number(process.argv[index + 1]) : quick ? 1_000 : 100_000;
}

/** `npm run metrics:rebuild`, built (the bench builds the services) and under V8's profiler, with its one-line report parsed. */
async function onlineRebuild(env: Record<string, string>) {
  const profiles = mkdtempSync(join(tmpdir(), 'throughline-bench-rebuild-'));
  const counted = join(profiles, 'statements.json');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      `--cpu-prof-dir=${profiles}`,
      '--cpu-prof',
      '-r',
      join(__dirname, 'lib/pg-count-preload.js'),
      '-r',
      join(root, 'tools/runtime-paths.js'),
      join(root, 'dist/apps/metrics-service/src/rebuild.js'),
    ],
    {
      cwd: root,
      env: { ...process.env, ...env, BENCH_PG_COUNT: counted },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 4 * 3_600_000,
    },
  );
  const figures =
    /rebuilt from (\d+) events .* in (\d+) ms; the live service paused applying for (\d+) ms at the switch; (\d+) events published/.exec(
      stdout,
    );
  if (!figures) throw new Error(`the rebuild printed no report:\n${stdout.slice(-2000)}`);
  const [, applied, replayMs, pausedMs, published] = figures.map(Number);
  const [file] = readdirSync(profiles).filter((name) => name.endsWith('.cpuprofile'));
  const profile = summarizeProfile('metrics-service', JSON.parse(readFileSync(join(profiles, file), 'utf8')));
  const { statements, kinds, cpuMicros } = JSON.parse(readFileSync(counted, 'utf8')) as {
    statements: number;
    kinds: Record<string, number>;
    cpuMicros: { user: number; system: number };
  };
  const statementKinds = Object.entries(kinds)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([statement, count]) => ({ statement, count }));
  return {
    applied,
    replayMs,
    pausedMs,
    published,
    profile,
    statements,
    statementKinds,
    cpuSeconds: (cpuMicros.user + cpuMicros.system) / 1e6,
  };
}

export async function metricsRebuild(context: BenchContext): Promise<RebuildResult> {
  const { system, log } = context;
  const reports = reportsAsked(context.quick);
  const prefix = `${system.prefix}r.`;
  const schema = system.schema('metrics-service', '_r');
  await system.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await system.migrate('metrics-service', schema);
  const topics = await topicsFor(context, prefix);
  const { organisation, events: setup } = scaleOrganisationEvents(TASKS);
  const tasks: UpdatableTask[] = organisation.tasks.map((task) => ({
    ...task,
    orgId: organisation.orgId,
    progress: 0,
  }));
  let published = 0;
  const report = (index: number) => {
    const task = tasks[index % tasks.length];
    const event = progressEvent(task, `bench-rebuild-${index}`, undefined, 2 + Math.floor(index / tasks.length));
    task.progress = JSON.parse(String(event.message.value)).data.progress;
    published++;
    return event;
  };
  const { process: metrics } = await system.startService('metrics-service', schema, { KAFKA_TOPIC_PREFIX: prefix });
  const inboxRows = async () =>
    Number((await system.query<{ rows: string }>(`SELECT count(*) AS rows FROM ${schema}.inbox_event`))[0].rows);
  try {
    const began = nowMs();
    await publishAll(system, prefix, setup);
    published += setup.length;
    // In chunks: a million events are not built in memory at once.
    for (let start = 0; start < reports; start += 50_000)
      await publishAll(
        system,
        prefix,
        Array.from({ length: Math.min(50_000, reports - start) }, (_, offset) => report(start + offset)),
        // 2,000 reports of ten goals can put over a megabyte (the broker's limit) on one partition.
        500,
      );
    if (Number.isNaN(await system.timeToZeroLag(4 * 3_600_000, prefix))) throw new Error('the backlog was not applied');
    const liveApplySeconds = round((nowMs() - began) / 1000, 1);
    const events = published;
    const rowsBefore = await inboxRows();
    log(`rebuild: ${events} events applied by the running instance in ${liveApplySeconds} s; rebuilding beside it`);
    let flowing = true;
    let during = 0;
    const flow = (async () => {
      for (let index = reports; flowing; index++) {
        await publishAll(system, prefix, [report(index)]);
        during++;
        await sleep(100);
      }
    })();
    const rebuilt = await onlineRebuild({
      DATABASE_URL: system.databaseUrl!,
      DB_SCHEMA: schema,
      KAFKA_BROKERS: system.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
    });
    flowing = false;
    await flow;
    if (Number.isNaN(await system.timeToZeroLag(600_000, prefix)))
      throw new Error('the reports after the switch were not applied');
    const rebuildSeconds = round(rebuilt.replayMs / 1000, 1);
    const rebuildEventsPerSecond = round(rebuilt.applied / (rebuilt.replayMs / 1000), 0);
    const statementsPerEvent = round(rebuilt.statements / rebuilt.applied, 3);
    const cpuMsPerEvent = round((rebuilt.cpuSeconds * 1000) / rebuilt.applied, 3);
    log(
      `rebuild: ${rebuilt.applied} events rebuilt in ${rebuildSeconds} s = ${rebuildEventsPerSecond} events/s, ${statementsPerEvent} statements and ${cpuMsPerEvent} ms of its CPU per event; applying paused ${rebuilt.pausedMs} ms at the switch; ${during} reports published meanwhile`,
    );
    const plain = await plainConsumerDrain(
      context,
      Array.from(
        { length: Math.min(reports, 200_000) },
        (_, index) =>
          progressEvent(
            { id: randomUUID(), goalId: randomUUID(), managerId: randomUUID(), orgId: randomUUID(), progress: 0 },
            `bench-rebuild-plain-${index}`,
            undefined,
            2,
          ).message,
      ),
    );
    log(`rebuild: plain consumer ${plain.eventsPerSecond} events/s in the same run`);
    log(
      `rebuild process CPU: ${rebuilt.profile.busyMs} ms busy, ${rebuilt.profile.idleMs} ms idle; ${rebuilt.profile.top
        .slice(0, 6)
        .map((share) => `${share.what} ${share.percentOfBusy}%`)
        .join(', ')}`,
    );
    return {
      events,
      liveApplySeconds,
      liveEventsPerSecond: round(events / liveApplySeconds, 0),
      eventsRebuilt: rebuilt.applied,
      rebuildSeconds,
      rebuildEventsPerSecond,
      pausedMs: rebuilt.pausedMs,
      publishedAtSwitch: rebuilt.published,
      reportsDuringRebuild: during,
      inboxRowsPerEvent: round((await inboxRows()) / (rowsBefore + during), 4),
      plainConsumerEventsPerSecond: plain.eventsPerSecond,
      rebuildToPlain: round(rebuildEventsPerSecond / plain.eventsPerSecond, 3),
      targetEventsPerSecond: round(1_000_000 / 120, 0),
      profile: rebuilt.profile,
      statementsPerEvent,
      statementKinds: rebuilt.statementKinds,
      cpuMsPerEvent,
    };
  } finally {
    await metrics.stop();
    await system.admin.deleteTopics({ topics }).catch(() => undefined);
    await system.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

if (require.main === module) runStandalone('metrics-rebuild', metricsRebuild);
