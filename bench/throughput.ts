/**
 * Ingest throughput: task updates as fast as execution accepts them (autocannon, closed
 * loop), then how long until every event is published (outbox empty) and metrics has
 * consumed them all (lag zero; "keeps up" if within 2 s of the load stopping).
 * `npx tsx bench/throughput.ts [--quick]`
 */
import { BenchContext, runStandalone } from './lib/scenario';
import { maxRateProgressUpdates, MaxRateRun } from './lib/task-updates';
import { nowMs, round, sleep } from './lib/stats';

export interface ThroughputResult extends MaxRateRun {
  outboxBacklogAtEnd: number | null;
  outboxDrainedAfterMs: number | null;
  metricsLagAtEnd: number;
  metricsLagZeroAfterMs: number;
  metricsKeepsUp: boolean;
}

export async function throughput(context: BenchContext): Promise<ThroughputResult> {
  const { system, quick, log } = context;
  const org = await context.organisation();
  const connections = quick ? 8 : 32;
  const run = await maxRateProgressUpdates(system.url('execution-service'), org, connections, quick ? 2 : 8);
  const loadEnded = nowMs();
  const backlog = async () =>
    system.managed
      ? Number(
          (
            await system.query<{ n: string }>(
              `SELECT count(*) AS n FROM ${system.schema('execution-service')}.outbox_event WHERE published_at IS NULL`,
            )
          )[0].n,
        )
      : null;
  const [outboxBacklogAtEnd, metricsLagAtEnd] = await Promise.all([backlog(), system.lag()]);
  let outboxDrainedAfterMs: number | null = null;
  if (outboxBacklogAtEnd !== null) {
    while ((await backlog())! > 0 && nowMs() - loadEnded < 60_000) await sleep(50);
    outboxDrainedAfterMs = round(nowMs() - loadEnded, 0);
  }
  const zero = await system.timeToZeroLag(120_000);
  const metricsLagZeroAfterMs = Number.isNaN(zero) ? Number.NaN : round(nowMs() - loadEnded, 0);
  const result = {
    ...run,
    outboxBacklogAtEnd,
    outboxDrainedAfterMs,
    metricsLagAtEnd,
    metricsLagZeroAfterMs,
    metricsKeepsUp: metricsLagZeroAfterMs <= 2_000,
  };
  log(
    `throughput: ${run.acceptedPerSecond} updates/s accepted (${connections} connections, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms); outbox backlog ${outboxBacklogAtEnd} drained after ${outboxDrainedAfterMs} ms; metrics lag ${metricsLagAtEnd} → 0 after ${metricsLagZeroAfterMs} ms`,
  );
  return result;
}

if (require.main === module) runStandalone('throughput', throughput);
