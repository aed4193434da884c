/**
 * What-if simulation latency (`POST /v1/simulations`, docs/alignment.md "What-if simulations")
 * on one organisation of 1,000 tasks (and, opt-in, 100,000: BENCH_SIMULATION_SIZES=1000,100000),
 * fed to the running metrics service as the events strategy and execution would publish
 * (bench/lib/org-seed.ts), measured once metrics has applied them and published its outbox
 * (otherwise the seeding's hundred thousand score events compete for the CPU). One director asks in turn (each simulation holds the organisation's
 * scoring lock, so concurrent ones of one organisation queue by design): a pilot slipping three
 * weeks, a task costing 500.00 more and a budget revision; then, fewer times, new weights, which
 * rescore every scope. Target: p99 ≤ 200 ms at 100,000 tasks.
 * `npx tsx bench/simulation.ts [--quick]`
 */
import { mintDevToken } from '@throughline/service-kit';
import { publishAll, scaleOrganisationEvents } from './lib/org-seed';
import { BenchContext, runStandalone } from './lib/scenario';
import { nowMs, round, sleep, summarize, Summary } from './lib/stats';

export interface SimulationPoint {
  tasks: number;
  /** Scopes in the answer of the three-change simulation. */
  scopesAnswered: number;
  seedSeconds: number;
  threeChangesMs: Summary;
  reweightScopesAnswered: number;
  reweightMs: Summary;
}

export interface SimulationResult {
  targetP99Ms: number;
  points: SimulationPoint[];
}

export function simulationSizes(quick: boolean): number[] {
  if (process.env.BENCH_SIMULATION_SIZES) return process.env.BENCH_SIMULATION_SIZES.split(',').map(Number);
  // 100,000 tasks take metrics minutes to apply on the 2-core machine: opt-in.
  return quick ? [100] : [1_000];
}

async function point(context: BenchContext, tasks: number): Promise<SimulationPoint> {
  const { system, quick, log } = context;
  const metrics = system.url('metrics-service');
  const { organisation, events } = scaleOrganisationEvents(tasks);
  let started = nowMs();
  await publishAll(system, system.prefix, events);
  const schema = system.schema('metrics-service');
  // Applied once the organisation's facts count every task.
  for (;;) {
    const [row] = await system.query<{ live: string }>(
      `SELECT live_tasks AS live FROM ${schema}.scope_facts WHERE scope = 'organisation' AND scope_id = $1`,
      [organisation.orgId],
    );
    if (Number(row?.live ?? 0) >= tasks) break;
    if (nowMs() - started > 60 * 60_000) throw new Error(`metrics did not apply ${tasks} tasks within an hour`);
    await sleep(500);
  }
  const seedSeconds = round((nowMs() - started) / 1000, 1);
  log(`simulation: ${tasks} tasks (${organisation.events} events) applied by metrics in ${seedSeconds} s`);
  // Measured on a quiet service: the seeding's last events applied and its score events published.
  await system.timeToZeroLag(10 * 60_000);
  for (;;) {
    const [{ backlog }] = await system.query<{ backlog: number }>(
      `SELECT count(*)::int AS backlog FROM ${schema}.outbox_event WHERE published_at IS NULL`,
    );
    if (backlog === 0) break;
    if (nowMs() - started > 60 * 60_000) throw new Error(`metrics did not publish its outbox within an hour`);
    await sleep(1_000);
  }
  log(`simulation: metrics idle again ${round((nowMs() - started) / 1000, 1)} s after the seeding began`);

  const token = await mintDevToken({ personId: organisation.directorId, orgId: organisation.orgId, role: 'director' });
  const [pilot, other] = [organisation.tasks[0], organisation.tasks[Math.floor(tasks / 2)]];
  const simulate = async (changes: unknown[]) => {
    const at = nowMs();
    const response = await fetch(`${metrics}/v1/simulations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ changes }),
    });
    const body = (await response.json()) as { scopes?: unknown[] };
    if (response.status !== 200) throw new Error(`POST /v1/simulations: ${response.status} ${JSON.stringify(body)}`);
    return { ms: nowMs() - at, scopes: body.scopes!.length };
  };
  const measure = async (changes: unknown[], warmUp: number, times: number) => {
    let scopes = 0;
    const durations: number[] = [];
    for (let index = 0; index < warmUp + times; index++) {
      const answer = await simulate(changes);
      scopes = answer.scopes;
      if (index >= warmUp) durations.push(answer.ms);
    }
    return { scopes, summary: summarize(durations) };
  };
  started = nowMs();
  const three = await measure(
    [
      { kind: 'slip', taskId: pilot.id, days: 21 },
      { kind: 'cost', taskId: other.id, amountMinor: 50_000 },
      { kind: 'budget', goalId: pilot.goalId, budgetMinor: 5_000_000 },
    ],
    10,
    quick ? 20 : 200,
  );
  const reweight = await measure(
    [{ kind: 'weights', weights: { schedule: 0.5, cost: 0.2, outcomes: 0.2, focus: 0.05, risk: 0.05 } }],
    2,
    quick ? 5 : 20,
  );
  log(
    `simulation at ${tasks} tasks: three changes (${three.scopes} scopes) p50 ${three.summary.p50} ms, p99 ${three.summary.p99} ms; new weights (${reweight.scopes} scopes) p50 ${reweight.summary.p50} ms, p99 ${reweight.summary.p99} ms`,
  );
  return {
    tasks,
    scopesAnswered: three.scopes,
    seedSeconds,
    threeChangesMs: three.summary,
    reweightScopesAnswered: reweight.scopes,
    reweightMs: reweight.summary,
  };
}

export async function simulation(context: BenchContext): Promise<SimulationResult> {
  const points: SimulationPoint[] = [];
  for (const size of simulationSizes(context.quick)) points.push(await point(context, size));
  return { targetP99Ms: 200, points };
}

if (require.main === module) runStandalone('simulation', simulation);
