/**
 * Metrics' sustained apply rate: a backlog of task progress reports drained by one or two
 * metrics instances, for one organisation and for twenty. Each case runs on its own topic
 * prefix and schema: the organisations' setup events (people, goals, tasks) are applied first,
 * then the reports are published in one burst and timed from the first publish to a lag of
 * zero on the group's input and repartition topics.
 * `npx tsx bench/metrics-drain.ts [--quick]`
 */
import { publishAll, scaleOrganisationEvents } from './lib/org-seed';
import { BenchContext, runStandalone } from './lib/scenario';
import { nowMs, round } from './lib/stats';
import { progressEvent, topicsFor, UpdatableTask } from './scaling';

export interface DrainPoint {
  organisations: number;
  instances: number;
  tasks: number;
  updates: number;
  drainSeconds: number;
  eventsPerSecond: number;
}

export interface DrainResult {
  points: DrainPoint[];
  /** Two instances ÷ one, twenty organisations (the two-instance target: ≥ 1.7). */
  twoInstancesSpeedUp: number;
}

const TASKS = 1_000;

async function drainPoint(
  context: BenchContext,
  organisations: number,
  instances: number,
  updates: number,
): Promise<DrainPoint> {
  const { system, log } = context;
  const variant = `_d${organisations}x${instances}`;
  const prefix = `${system.prefix}d${organisations}x${instances}.`;
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
  const started = await Promise.all(
    Array.from({ length: instances }, () =>
      system.startService('metrics-service', schema, { KAFKA_TOPIC_PREFIX: prefix }),
    ),
  );
  try {
    if (Number.isNaN(await system.timeToZeroLag(300_000, prefix))) throw new Error('the setup was not applied');
    const tasks: UpdatableTask[] = seeded.flatMap(({ organisation }) =>
      organisation.tasks.map((task) => ({ ...task, orgId: organisation.orgId, progress: 0 })),
    );
    // Round robin over the tasks, each report a newer version with new progress (so every one moves a score).
    const reports = Array.from({ length: updates }, (_, index) => {
      const task = tasks[index % tasks.length];
      const report = progressEvent(task, `bench-drain-${index}`, undefined, 2 + Math.floor(index / tasks.length));
      task.progress = JSON.parse(String(report.message.value)).data.progress;
      return report;
    });
    const began = nowMs();
    await publishAll(system, prefix, reports);
    if (Number.isNaN(await system.timeToZeroLag(600_000, prefix))) throw new Error('the backlog was not drained');
    const drainSeconds = round((nowMs() - began) / 1000, 2);
    const point = {
      organisations,
      instances,
      tasks: tasks.length,
      updates,
      drainSeconds,
      eventsPerSecond: round(updates / drainSeconds, 0),
    };
    log(
      `drain: ${organisations} organisation(s), ${instances} instance(s): ${updates} reports in ${drainSeconds} s = ${point.eventsPerSecond} events/s`,
    );
    return point;
  } finally {
    await Promise.all(started.map(({ process }) => process.stop()));
    await system.admin.deleteTopics({ topics }).catch(() => undefined);
    await system.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

export async function metricsDrain(context: BenchContext): Promise<DrainResult> {
  const updates = context.quick ? 500 : 5_000;
  const points: DrainPoint[] = [];
  for (const [organisations, instances] of [
    [1, 1],
    [20, 1],
    [20, 2],
  ])
    points.push(await drainPoint(context, organisations, instances, updates));
  const rate = (organisations: number, instances: number) =>
    points.find((point) => point.organisations === organisations && point.instances === instances)!.eventsPerSecond;
  return { points, twoInstancesSpeedUp: round(rate(20, 2) / rate(20, 1), 2) };
}

if (require.main === module) runStandalone('metrics-drain', metricsDrain);
