/**
 * Metrics' sustained apply rate: a backlog of task progress reports drained by one or two
 * metrics instances, for one organisation and for twenty. Each case runs on its own topic
 * prefix and schema: the organisations' setup events (people, goals, tasks) are applied first,
 * then the reports are published in one burst while the instances are frozen (SIGSTOP), and
 * the drain is timed from their waking (SIGCONT) to a lag of zero on the group's input topics. Before
 * the timed backlog the instances apply a quarter as many reports as they arrive (warmUpReports), as a
 * running service has: otherwise each fresh process's compiling counts in its drain. Beside it, in the same run, the limit of
 * the parts: a plain kafkajs consumer that parses and validates each report (ajv, as the
 * services do) and writes each fetched batch with one set-based upsert, draining the same
 * number of reports. Each instance counts the statements it sends to PostgreSQL while draining
 * (bench/lib/pg-count-preload.js); `--profile` also samples its CPU over the drain and sums it by package.
 *
 * Two instances on two shared cores cannot show what a core each would give (the broker,
 * PostgreSQL, the publisher and both instances take turns on the same two), so the two
 * instances also drain in turns (`twoInstancesOwnCores`, three rounds alternated with one
 * instance): both hold their share of the group's partitions, as deployed, and each is woken
 * alone to drain its organisations with the machine to itself. Each drain also reports the work: every instance's CPU seconds (its own
 * `process_cpu_seconds_total`) and the reports it applied, its PostgreSQL backends' CPU, the
 * broker's CPU. `--pin` also pins each instance to a core of its own (`taskset`; one instance to
 * the first core), which measures the same only on a machine with nothing else to run.
 * `npx tsx bench/metrics-drain.ts [--quick] [--profile] [--pin] [--updates N]`
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from 'kafkajs';
import { Pool } from 'pg';
import { parseEvent, TaskProgressReportedV1 } from '@throughline/contracts';
import { ensureTopics } from '@throughline/messaging';
import { publishAll, scaleOrganisationEvents } from './lib/org-seed';
import { BenchContext, runStandalone } from './lib/scenario';
import { median, nowMs, round, sleep } from './lib/stats';
import { brokerPid, processCpuSeconds } from './lib/machine-cpu';
import { countingEnv, statementCounter } from './lib/pg-count';
import { BenchSystem } from './lib/system';
import { ServiceProfile, summarizeProfile } from './hot-path-profile';
import { progressEvent, topicsFor, UpdatableTask } from './scaling';

export interface DrainPoint {
  organisations: number;
  instances: number;
  tasks: number;
  updates: number;
  drainSeconds: number;
  /** Of which publishing the backlog (metrics applies while it arrives). */
  publishSeconds: number;
  eventsPerSecond: number;
  /** SQL statements the instances sent while draining, per report. */
  statementsPerEvent: number;
  /** The most frequent of them while draining, by their first words. */
  statementKinds: Array<{ statement: string; count: number; ms: number }>;
  /** With `--profile`: where the first instance's CPU went while draining. */
  profile?: ServiceProfile;
  /** What each instance did while draining. */
  instancesWork: InstanceWork[];
  /** The broker's CPU seconds while draining (its process on this machine; other users of a shared broker included). */
  brokerCpuSeconds: number;
  /** `--pin`: the core each instance was pinned to. */
  pinnedTo?: number[];
  /** Drained in turns: each instance woken alone, the others still frozen. */
  turns?: DrainTurn[];
}

/** One instance's turn: woken alone, timed until the group's lag stops falling (its own partitions drained). */
export interface DrainTurn {
  seconds: number;
  work: InstanceWork;
  brokerCpuSeconds: number;
}

/** One metrics instance's share of a drain. */
export interface InstanceWork {
  /** Its own `process_cpu_seconds_total`, over the drain. */
  cpuSeconds: number;
  /** Reports it applied (`throughline_events_consumed_total{outcome="processed"}`): the organisations of its partitions. */
  appliedEvents: number;
  /** Its PostgreSQL backends' CPU seconds (found by application name; NaN if PostgreSQL is not on this machine). */
  postgresCpuSeconds: number;
}

/**
 * Two instances with a core each, simulated by draining in turns (20 organisations): one group of
 * two instances, each holding the partitions the assignment gives it; the backlog is published
 * while both are frozen, then each is woken alone and timed until its own partitions are drained.
 * With a core each they would drain side by side, so the longer turn bounds the drain and the
 * speed-up is one instance's drain ÷ the longer turn. Assumed: PostgreSQL and the broker keep up
 * with both at once; the cores they would need are their CPU seconds in both turns ÷ the longer turn.
 */
export interface TwoInstancesRound {
  oneInstanceSeconds: number;
  turnSeconds: number[];
  /**
   * Of the reports, the share the turns applied. Below 1, a turn ended before its instance had
   * drained its partitions (the rest was applied after both woke), and the round measures nothing.
   */
  turnsCovered: number;
  /** Of the reports, the share the longer turn applied. */
  busierInstanceShare: number;
  oneInstanceEventsPerSecond: number;
  twoInstancesEventsPerSecond: number;
  speedUp: number;
  /**
   * The speed-up is their product: how evenly the organisations fall to the two (1 ÷ the longer
   * turn's share of the reports; organisations are placed by hash, so 20 rarely split 10 and 10),
   * and the longer turn's rate ÷ one instance's.
   */
  balanceCeiling: number;
  memberEfficiency: number;
  /** CPU seconds per second of the simulated two-instance drain: cores they would need. */
  postgresCores: number;
  brokerCores: number;
}

export interface TwoInstancesOwnCores {
  /** One instance and the two in turns, alternated: a drain of a few seconds moves with the machine. */
  rounds: TwoInstancesRound[];
  /** The median of the speed-ups of the rounds whose turns applied every report. */
  speedUp: number;
}

export interface PlainConsumerDrain {
  updates: number;
  drainSeconds: number;
  eventsPerSecond: number;
}

export interface DrainResult {
  points: DrainPoint[];
  plainConsumer: PlainConsumerDrain;
  /** Metrics' rate (one instance, one organisation) ÷ the plain consumer's. */
  oneOrganisationToPlain: number;
  /** Two instances ÷ one (the median of its rounds), twenty organisations, on the shared cores. */
  twoInstancesSpeedUp: number;
  /** The same with a core per instance, drained in turns (the two-instance target: ≥ 1.7). */
  twoInstancesOwnCores: TwoInstancesOwnCores;
}

const TASKS = 1_000;

/** Reports each drain's instances apply, as they arrive, before the timed backlog. */
function warmUpReports(updates: number): number {
  return Math.max(500, Math.round(updates / 4));
}

/**
 * The preloads that count an instance's statements (and, profiling, sample its CPU); each
 * SIGWINCH writes the count so far and starts, then stops, the profiler.
 */
function instrumented(profile: boolean) {
  const directory = mkdtempSync(join(tmpdir(), 'throughline-bench-drain-'));
  let instances = 0;
  return () => {
    const files = {
      count: join(directory, `statements-${instances}.json`),
      profile: join(directory, `cpu-${instances}.cpuprofile`),
    };
    instances += 1;
    const counting = countingEnv(files.count);
    return {
      env: profile
        ? {
            ...counting,
            NODE_OPTIONS: `${counting.NODE_OPTIONS} --require ${join(__dirname, 'lib/cpu-profile-preload.js')}`,
            BENCH_CPU_PROFILE: files.profile,
          }
        : counting,
      /** The instance's statements so far, in all and by their first words. */
      statements: statementCounter(files.count, 'a metrics instance'),
      async profile(): Promise<ServiceProfile | undefined> {
        if (!profile) return undefined;
        for (let waited = 0; !existsSync(files.profile) && waited < 20_000; waited += 100) await sleep(100);
        await sleep(200);
        return summarizeProfile('metrics-service', JSON.parse(readFileSync(files.profile, 'utf8')), 10);
      },
    };
  };
}

async function drainPoint(
  context: BenchContext,
  organisations: number,
  instances: number,
  updates: number,
  inTurns = false,
): Promise<DrainPoint> {
  const { system, log } = context;
  const variant = `_d${organisations}x${instances}${inTurns ? 't' : ''}`;
  const prefix = `${system.prefix}d${organisations}x${instances}${inTurns ? 't' : ''}.`;
  const schema = system.schema('metrics-service', variant);
  await system.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await system.migrate('metrics-service', schema);
  const topics = await topicsFor(context, prefix);
  const seeded = Array.from({ length: organisations }, () => scaleOrganisationEvents(TASKS / organisations));
  await publishAll(
    system,
    prefix,
    seeded.flatMap(({ events }) => events),
  );
  const probe = instrumented(process.argv.includes('--profile'));
  const probes = Array.from({ length: instances }, () => probe());
  // Each instance's PostgreSQL connections carry its name, so their backends' CPU can be found.
  const applicationName = (instance: number) => `bench-${system.tag}${variant}-${instance}`;
  const started = await Promise.all(
    probes.map(({ env }, instance) =>
      system.startService('metrics-service', schema, {
        KAFKA_TOPIC_PREFIX: prefix,
        PGAPPNAME: applicationName(instance),
        ...env,
      }),
    ),
  );
  const pinnedTo = process.argv.includes('--pin')
    ? started.map(({ process: instance }, index) => pin(instance.pid!, index))
    : undefined;
  try {
    if (Number.isNaN(await system.timeToZeroLag(300_000, prefix))) throw new Error('the setup was not applied');
    const tasks: UpdatableTask[] = seeded.flatMap(({ organisation }) =>
      organisation.tasks.map((task) => ({ ...task, orgId: organisation.orgId, progress: 0 })),
    );
    // Round robin over the tasks, each report a newer version with new progress (so every one moves a score).
    let made = 0;
    const nextReports = (count: number, label: string) =>
      Array.from({ length: count }, () => {
        const index = made++;
        const task = tasks[index % tasks.length];
        const report = progressEvent(task, `bench-${label}-${index}`, undefined, 2 + Math.floor(index / tasks.length));
        task.progress = JSON.parse(String(report.message.value)).data.progress;
        return report;
      });
    // Warmed as a running service is: its apply path compiled by V8 and its organisations' reports seen.
    // Fresh processes would each pay that once, and two instances pay it twice over half the reports each.
    await publishAll(system, prefix, nextReports(warmUpReports(updates), 'warm'));
    if (Number.isNaN(await system.timeToZeroLag(300_000, prefix))) throw new Error('the warm-up was not applied');
    const reports = nextReports(updates, 'drain');
    // The setup's score events published too: nothing of it is left to run beside the drain.
    await system.outboxPublished(started[0].process.url);
    const workBefore = await Promise.all(
      started.map(({ process: instance }, index) => instanceWork(system, instance.url, applicationName(index))),
    );
    const statementsBefore = await Promise.all(probes.map((instance) => instance.statements()));
    // The backlog is published while the instances are frozen (well within their session timeout),
    // so the drain is theirs alone: not shared with the publisher, nor paced by it.
    const frozen = started.map(({ process: instance }) => instance.pid!);
    frozen.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    const wake = (pids: number[]) => pids.forEach((pid) => process.kill(pid, 'SIGCONT'));
    let publishSeconds: number;
    try {
      const publishing = nowMs();
      await publishAll(system, prefix, reports);
      publishSeconds = round((nowMs() - publishing) / 1000, 2);
    } catch (error) {
      wake(frozen);
      throw error;
    }
    if (!inTurns) wake(frozen);
    const broker = brokerPid();
    const brokerBefore = broker ? processCpuSeconds(broker) : Number.NaN;
    const began = nowMs();
    const turns: DrainTurn[] = [];
    try {
      for (const [index, { process: instance }] of inTurns ? started.entries() : []) {
        const brokerAtStart = broker ? processCpuSeconds(broker) : Number.NaN;
        wake([instance.pid!]);
        const seconds = await drainedByTheWoken(system, prefix);
        turns.push({
          seconds,
          // Taken before the freeze: a frozen instance answers nothing.
          work: workBetween(workBefore[index], await instanceWork(system, instance.url, applicationName(index))),
          brokerCpuSeconds: round((broker ? processCpuSeconds(broker) : Number.NaN) - brokerAtStart, 2),
        });
        // Its relay goes on publishing the turn's score events after the lag is zero: the next turn
        // starts once it is done, so that it has the machine to itself too.
        await system.outboxPublished(instance.url);
      }
    } finally {
      if (inTurns) wake(frozen);
    }
    if (Number.isNaN(await system.timeToZeroLag(600_000, prefix))) throw new Error('the backlog was not drained');
    const drainSeconds = round((nowMs() - began) / 1000, 2);
    const brokerCpuSeconds = round((broker ? processCpuSeconds(broker) : Number.NaN) - brokerBefore, 2);
    const workAfter = await Promise.all(
      started.map(({ process: instance }, index) => instanceWork(system, instance.url, applicationName(index))),
    );
    const instancesWork = workAfter.map((after, index) => workBetween(workBefore[index], after));
    const statementsAfter = await Promise.all(probes.map((instance) => instance.statements()));
    const statements = statementsAfter.reduce(
      (sum, after, index) => sum + after.statements - statementsBefore[index].statements,
      0,
    );
    const kinds = new Map<string, { count: number; ms: number }>();
    statementsAfter.forEach((after, index) => {
      for (const [statement, count] of Object.entries(after.kinds)) {
        const kind = kinds.get(statement) ?? { count: 0, ms: 0 };
        kind.count += count - (statementsBefore[index].kinds[statement] ?? 0);
        kind.ms += (after.kindsMs[statement] ?? 0) - (statementsBefore[index].kindsMs[statement] ?? 0);
        kinds.set(statement, kind);
      }
    });
    const point: DrainPoint = {
      organisations,
      instances,
      tasks: tasks.length,
      updates,
      drainSeconds,
      publishSeconds,
      eventsPerSecond: round(updates / drainSeconds, 0),
      statementsPerEvent: round(statements / updates, 3),
      statementKinds: [...kinds]
        .filter(([, kind]) => kind.count > 0)
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 12)
        .map(([statement, { count, ms }]) => ({ statement, count, ms: round(ms, 1) })),
      profile: await probes[0].profile(),
      instancesWork,
      brokerCpuSeconds,
      pinnedTo,
      ...(inTurns ? { turns } : {}),
    };
    log(
      `drain: ${organisations} organisation(s), ${instances} instance(s)${inTurns ? ` in turns (${turns.map((turn) => `${turn.work.appliedEvents} reports in ${turn.seconds} s`).join(', then ')})` : ''}${pinnedTo ? ` pinned to cores ${pinnedTo.join(', ')}` : ''}: ${updates} reports in ${drainSeconds} s (published in ${publishSeconds} s) = ${point.eventsPerSecond} events/s, ${point.statementsPerEvent} statements per report; ${instancesWork
        .map(
          (work, index) =>
            `instance ${index + 1}: ${work.appliedEvents} applied, ${work.cpuSeconds} s CPU (its PostgreSQL backends ${work.postgresCpuSeconds} s)`,
        )
        .join('; ')}; broker ${brokerCpuSeconds} s CPU`,
    );
    if (point.profile)
      log(
        `drain: CPU of the first instance (${point.profile.busyMs} ms busy, ${point.profile.idleMs} ms idle): ${point.profile.top
          .map((share) => `${share.what} ${share.percentOfBusy}%`)
          .join(', ')}`,
      );
    return point;
  } finally {
    await Promise.all(started.map(({ process }) => process.stop()));
    await system.admin.deleteTopics({ topics }).catch(() => undefined);
    await system.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

/**
 * Seconds from now until the group's lag last fell, once it has reached zero or stood still for a
 * second after falling: the woken instance has drained its partitions, and the rest wait for
 * owners still frozen. Offsets are committed after every batch, so the last fall is its last batch.
 */
async function drainedByTheWoken(system: BenchSystem, prefix: string): Promise<number> {
  const began = nowMs();
  let lag = await system.lag(prefix);
  let lastFall: number | undefined;
  while (nowMs() - began < 600_000) {
    await sleep(20);
    const now = nowMs();
    const current = await system.lag(prefix);
    if (current < lag) lastFall = now;
    lag = current;
    // Quiet for longer than a consumer's fetch wait (1 s), or an instance between two fetches ends its turn early.
    if (lastFall !== undefined && (lag === 0 || now - lastFall >= 2_500)) return round((lastFall - began) / 1000, 2);
  }
  throw new Error('the woken instance drained nothing');
}

/** Pins a process (all its threads) to one core, the `index`-th modulo the cores there are. */
function pin(pid: number, index: number): number {
  const core = index % availableParallelism();
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', String(core), String(pid)]);
  return core;
}

interface WorkSoFar {
  cpuSeconds: number;
  appliedEvents: number;
  /** CPU seconds of each of its PostgreSQL backends, by process id. */
  backends: Map<number, number>;
}

async function instanceWork(system: BenchSystem, url: string, applicationName: string): Promise<WorkSoFar> {
  const samples = await system.serviceSamples(url, [
    'process_cpu_seconds_total',
    'throughline_events_consumed_total{outcome="processed"}',
  ]);
  const backends = await system.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [
    applicationName,
  ]);
  return {
    cpuSeconds: samples.process_cpu_seconds_total,
    appliedEvents: samples['throughline_events_consumed_total{outcome="processed"}'] || 0,
    backends: new Map(backends.map(({ pid }) => [pid, processCpuSeconds(pid)])),
  };
}

/** A backend opened during the drain counts whole; one closed during it is missed (pools keep theirs open while busy). */
function workBetween(before: WorkSoFar, after: WorkSoFar): InstanceWork {
  const postgres = [...after.backends].reduce((sum, [pid, cpu]) => sum + cpu - (before.backends.get(pid) ?? 0), 0);
  return {
    cpuSeconds: round(after.cpuSeconds - before.cpuSeconds, 2),
    appliedEvents: after.appliedEvents - before.appliedEvents,
    postgresCpuSeconds: round(after.backends.size ? postgres : Number.NaN, 2),
  };
}

/** See TwoInstancesRound. */
function twoInstancesRound(one: DrainPoint, inTurns: DrainPoint): TwoInstancesRound {
  const turns = inTurns.turns!;
  const limit = Math.max(...turns.map((turn) => turn.seconds));
  const busier = turns.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const postgres = turns.reduce((sum, turn) => sum + turn.work.postgresCpuSeconds, 0);
  const broker = turns.reduce((sum, turn) => sum + turn.brokerCpuSeconds, 0);
  return {
    oneInstanceSeconds: one.drainSeconds,
    turnSeconds: turns.map((turn) => turn.seconds),
    turnsCovered: round(turns.reduce((sum, turn) => sum + turn.work.appliedEvents, 0) / inTurns.updates, 3),
    busierInstanceShare: round(busier.work.appliedEvents / inTurns.updates, 3),
    oneInstanceEventsPerSecond: one.eventsPerSecond,
    twoInstancesEventsPerSecond: round(inTurns.updates / limit, 0),
    speedUp: round(one.drainSeconds / limit, 2),
    balanceCeiling: round(inTurns.updates / busier.work.appliedEvents, 2),
    memberEfficiency: round(busier.work.appliedEvents / limit / one.eventsPerSecond, 2),
    postgresCores: round(postgres / limit, 2),
    brokerCores: round(broker / limit, 2),
  };
}

/** The same number of reports drained by a plain consumer: parse, validate, one upsert per fetched batch, commit. */
export async function plainConsumerDrain(context: BenchContext, reports: Message[]): Promise<PlainConsumerDrain> {
  const { system } = context;
  const topic = `${system.prefix}drain.plain`;
  const schema = system.schema('metrics-service', '_plain');
  await ensureTopics(system.admin, [topic], 6);
  const pool = new Pool({ connectionString: system.databaseUrl, max: 6 });
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.task (id uuid PRIMARY KEY, progress int NOT NULL, version int NOT NULL)`);
  await publishAll(
    system,
    '',
    reports.map((message) => ({ topic, message })),
  );
  const consumer = system.kafka.consumer({ groupId: `${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  let applied = 0;
  let began = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      void consumer.run({
        partitionsConsumedConcurrently: 3,
        eachBatch: async ({ batch }) => {
          began ||= nowMs();
          try {
            const received = batch.messages.map(
              (message) => parseEvent(message.value).data as typeof TaskProgressReportedV1.example,
            );
            // The newest report of each task in the batch (one upsert cannot touch a row twice).
            const newest = new Map<string, (typeof received)[number]>();
            for (const report of received)
              if ((newest.get(report.taskId)?.taskVersion ?? 0) < report.taskVersion) newest.set(report.taskId, report);
            const rows = [...newest.values()];
            await pool.query(
              `INSERT INTO ${schema}.task (id, progress, version) SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[])
               ON CONFLICT (id) DO UPDATE SET progress = EXCLUDED.progress, version = EXCLUDED.version WHERE task.version < EXCLUDED.version`,
              [rows.map((row) => row.taskId), rows.map((row) => row.progress), rows.map((row) => row.taskVersion)],
            );
            applied += received.length;
          } catch (error) {
            reject(error);
            throw error;
          }
          if (applied >= reports.length) resolve();
        },
      });
    });
    await done;
    const drainSeconds = round((nowMs() - began) / 1000, 2);
    return { updates: applied, drainSeconds, eventsPerSecond: round(applied / drainSeconds, 0) };
  } finally {
    await consumer.disconnect();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await pool.end();
    await system.admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  }
}

export async function metricsDrain(context: BenchContext): Promise<DrainResult> {
  // Enough for a turn of a second or more: the lag is polled every few tens of ms.
  const updates = Number(argument('--updates') ?? (context.quick ? 500 : 60_000));
  const points: DrainPoint[] = [await drainPoint(context, 1, 1, updates)];
  const rounds: TwoInstancesRound[] = [];
  for (let index = 0; index < (context.quick ? 1 : 3); index++) {
    const one = await drainPoint(context, 20, 1, updates);
    const inTurns = await drainPoint(context, 20, 2, updates, true);
    points.push(one, inTurns);
    rounds.push(twoInstancesRound(one, inTurns));
  }
  const sideBySide = await drainPoint(context, 20, 2, updates);
  points.push(sideBySide);
  const plainTasks: UpdatableTask[] = Array.from({ length: TASKS }, () => ({
    id: randomUUID(),
    goalId: randomUUID(),
    managerId: randomUUID(),
    orgId: randomUUID(),
    progress: 0,
  }));
  const plainConsumer = await plainConsumerDrain(
    context,
    Array.from(
      { length: updates },
      (_, index) =>
        progressEvent(plainTasks[index % TASKS], `bench-plain-${index}`, undefined, 2 + Math.floor(index / TASKS))
          .message,
    ),
  );
  context.log(
    `drain: plain consumer (parse, validate, one upsert per batch): ${plainConsumer.eventsPerSecond} events/s`,
  );
  const ownCores: TwoInstancesOwnCores = {
    rounds,
    speedUp: median(rounds.filter((entry) => entry.turnsCovered >= 1).map((entry) => entry.speedUp)),
  };
  context.log(
    `drain: two instances with a core each (drained in turns): ${rounds.map((entry) => `${entry.turnsCovered < 1 ? `(not counted: the turns applied ${entry.turnsCovered} of the reports) ` : ''}${entry.twoInstancesEventsPerSecond} against ${entry.oneInstanceEventsPerSecond} events/s = ${entry.speedUp}× (the longer turn applied ${entry.busierInstanceShare} of the reports: at most ${entry.balanceCeiling}×, at ${entry.memberEfficiency} of one instance's rate; PostgreSQL would need ${entry.postgresCores} cores, the broker ${entry.brokerCores})`).join('; ')}; median ${ownCores.speedUp}×`,
  );
  const oneInstanceRate = median(rounds.map((entry) => entry.oneInstanceEventsPerSecond));
  return {
    points,
    plainConsumer,
    oneOrganisationToPlain: round(points[0].eventsPerSecond / plainConsumer.eventsPerSecond, 3),
    twoInstancesSpeedUp: round(sideBySide.eventsPerSecond / oneInstanceRate, 2),
    twoInstancesOwnCores: ownCores,
  };
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (require.main === module) runStandalone('metrics-drain', metricsDrain);
