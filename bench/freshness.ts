/**
 * Freshness: from a manager's progress report returning 2xx to the first
 * alignment-score.changed event that carries its correlation id, at steady rates.
 * `npx tsx bench/freshness.ts [--quick] [--rates 10,50]`
 */
import { cpus } from 'node:os';
import { cpuPerUnit, cpuSnapshot } from './lib/machine-cpu';
import { BenchContext, runStandalone } from './lib/scenario';
import { ScoreWatch } from './lib/score-watch';
import { pacedProgressUpdates } from './lib/task-updates';
import { nowMs, round, sleep, summarize, Summary } from './lib/stats';

export interface FreshnessAtRate {
  targetRate: number;
  achievedRate: number;
  accepted: number;
  skippedAllTasksBusy: number;
  failures: Record<string, number>;
  httpLatencyMs: Summary;
  freshnessMs: Summary;
  /** Accepted updates whose score change never arrived within the wait (score unchanged, or lost). */
  unobserved: number;
  metricsLagAtEnd: number;
  /** From the end of the load until metrics had consumed everything (NaN: not within 60 s). */
  lagToZeroMs: number;
  /**
   * Where the time goes, per hop (ms), over the updates whose score change carries their own
   * correlation id: answered → execution's relay sent the task event → metrics applied it →
   * metrics' relay sent the score change → the benchmark got it.
   */
  hopsMs: Record<Hop, Summary>;
  /** Share of the machine's cores busy while the load ran (every process on it, from /proc/stat). */
  machineBusyShare: number;
  /** The machine's CPU milliseconds per accepted update, by part (cpuPerUnit), while the load ran. */
  cpuMsPerUpdate: Record<string, number>;
}

const HOPS = [
  'answeredToTaskEventSent',
  'taskEventSentToScored',
  'scoredToScoreEventSent',
  'scoreEventSentToReceived',
] as const;
type Hop = (typeof HOPS)[number];

function hops(watch: ScoreWatch, acceptedAt: Map<string, number>): Record<Hop, Summary> {
  const samples = Object.fromEntries(HOPS.map((hop) => [hop, [] as number[]])) as Record<Hop, number[]>;
  for (const [id, answered] of acceptedAt) {
    const path = watch.pathOf(id);
    if (!path) continue;
    samples.answeredToTaskEventSent.push(path.taskEventSent - answered);
    samples.taskEventSentToScored.push(path.scored - path.taskEventSent);
    samples.scoredToScoreEventSent.push(path.scoreEventSent - path.scored);
    samples.scoreEventSentToReceived.push(path.scoreEventReceived - path.scoreEventSent);
  }
  return Object.fromEntries(HOPS.map((hop) => [hop, summarize(samples[hop])])) as Record<Hop, Summary>;
}

/** A p99 over fewer updates is their worst one or two: a slow rate runs until it has this many. */
const MINIMUM_UPDATES = 400;

export async function freshness(
  context: BenchContext,
): Promise<{ durationSeconds: number; minimumUpdates: number; rates: FreshnessAtRate[] }> {
  const { system, quick, log } = context;
  const org = await context.organisation();
  const chosen = process.argv.indexOf('--rates');
  // 10/s is below what metrics sustains for one organisation: freshness without queueing; the others are the issue's rates.
  const rates = chosen >= 0 ? process.argv[chosen + 1].split(',').map(Number) : quick ? [10] : [10, 50, 200, 1000];
  const durationMs = quick ? 3_000 : 8_000;
  const cpuParts = system.cpuParts();
  const watch = new ScoreWatch(system);
  await watch.start();
  await sleep(500);
  const results: FreshnessAtRate[] = [];
  try {
    for (const rate of rates) {
      // Seeding, and the rate before, leave metrics a backlog and the relays a tail: each rate measures a steady stream from quiet.
      await system.settled();
      const cpuBefore = await cpuSnapshot(cpuParts);
      const loadStarted = nowMs();
      const run = await pacedProgressUpdates(
        system.url('execution-service'),
        org,
        rate,
        quick ? durationMs : Math.max(durationMs, (MINIMUM_UPDATES / rate) * 1000),
        `fresh${rate}`,
      );
      const loadEnded = nowMs();
      const cpuAfter = await cpuSnapshot(cpuParts);
      const busyShare = (cpuAfter.machine - cpuBefore.machine) / (((loadEnded - loadStarted) / 1000) * cpus().length);
      const metricsLagAtEnd = await system.lag();
      const zero = await system.timeToZeroLag(60_000);
      const lagToZeroMs = Number.isNaN(zero) ? Number.NaN : round(nowMs() - loadEnded, 0);
      const ids = [...run.acceptedAt.keys()];
      const unobserved = await watch.waitFor(ids, 10_000);
      const latencies = ids
        .filter((id) => watch.reflectedAt(id) !== undefined)
        .map((id) => watch.reflectedAt(id)! - run.acceptedAt.get(id)!);
      const result: FreshnessAtRate = {
        targetRate: rate,
        achievedRate: run.achievedRate,
        accepted: run.accepted,
        skippedAllTasksBusy: run.skippedAllTasksBusy,
        failures: run.failures,
        httpLatencyMs: run.httpLatencyMs,
        freshnessMs: summarize(latencies),
        unobserved,
        metricsLagAtEnd,
        lagToZeroMs,
        hopsMs: hops(watch, run.acceptedAt),
        machineBusyShare: round(busyShare, 2),
        cpuMsPerUpdate: cpuPerUnit(cpuBefore, cpuAfter, run.accepted),
      };
      log(
        `freshness at ${rate}/s: achieved ${result.achievedRate}/s, p50 ${result.freshnessMs.p50} ms, p95 ${result.freshnessMs.p95} ms, p99 ${result.freshnessMs.p99} ms, lag at end ${metricsLagAtEnd}, unobserved ${unobserved}; hops p50/p99 ms: ${HOPS.map((hop) => `${hop} ${result.hopsMs[hop].p50}/${result.hopsMs[hop].p99}`).join(', ')} (${result.hopsMs.taskEventSentToScored.count} updates traced); machine ${Math.round(result.machineBusyShare * 100)}% busy, CPU ms per update ${JSON.stringify(result.cpuMsPerUpdate)}`,
      );
      results.push(result);
    }
  } finally {
    await watch.stop();
  }
  return { durationSeconds: durationMs / 1000, minimumUpdates: quick ? 0 : MINIMUM_UPDATES, rates: results };
}

if (require.main === module) runStandalone('freshness', freshness);
