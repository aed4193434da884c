/**
 * Execution's accept path beside raw PostgreSQL, in one run: rounds alternate the raw "task row +
 * outbox row" transactions (bench/baselines.ts) and execution's closed-loop progress updates
 * (bench/throughput.ts's load), at the same concurrency. Each round starts once metrics has
 * consumed the previous one, so no run shares the CPU with an earlier run's backlog. Reports every
 * round, the medians, accepted ÷ raw per round, and execution's CPU per accepted update (its own
 * process_cpu_seconds_total), which the other sessions on the machine disturb less than rates.
 * With the system started here, each round also runs the load once with the services downstream
 * of execution paused (SIGSTOP; they catch up before the next round): execution on the machine
 * beside PostgreSQL alone, as where they run on machines of their own.
 * `npx tsx bench/accept-path.ts [--quick] [--rounds N]`
 */
import { loadavg } from 'node:os';
import { postgresBaseline } from './baselines';
import { cpuPerUnit, cpuSnapshot } from './lib/machine-cpu';
import { BenchContext, runStandalone } from './lib/scenario';
import { maxRateProgressUpdates } from './lib/task-updates';
import { median, round, sleep } from './lib/stats';

export interface AcceptPathRound {
  rawTransactionsPerSecond: number;
  rawP50Ms: number;
  acceptedPerSecond: number;
  acceptedP50Ms: number;
  acceptedOverRaw: number;
  executionCpuMsPerUpdate: number;
  /** Execution's CPU while idle (consumers polling, relay, timers), in ms per second: part of every update's share above. */
  executionIdleCpuMsPerSecond: number;
  non2xx: number;
  loadAverage: number;
  /** With the services downstream of execution paused (NaN when the benchmark did not start the system). */
  aloneAcceptedPerSecond: number;
  aloneOverRaw: number;
  /** The machine's CPU milliseconds per raw transaction and per accepted update, by part (cpuPerUnit): what each side costs where. */
  cpuMsPerRawTransaction: Record<string, number>;
  cpuMsPerAcceptedUpdate: Record<string, number>;
  cpuMsPerAloneUpdate: Record<string, number>;
}

export interface AcceptPathResult {
  connections: number;
  secondsPerRun: number;
  rounds: AcceptPathRound[];
  medians: Omit<
    AcceptPathRound,
    'non2xx' | 'cpuMsPerRawTransaction' | 'cpuMsPerAcceptedUpdate' | 'cpuMsPerAloneUpdate'
  >;
  /** Per part, the median of the rounds' CPU milliseconds. */
  cpuMsPerRawTransaction: Record<string, number>;
  cpuMsPerAcceptedUpdate: Record<string, number>;
  cpuMsPerAloneUpdate: Record<string, number>;
}

async function cpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith('process_cpu_seconds_total'));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

export async function acceptPath(context: BenchContext): Promise<AcceptPathResult> {
  const { system, quick, log } = context;
  const org = await context.organisation();
  const connections = quick ? 8 : 32;
  const seconds = quick ? 2 : 8;
  const roundsArgument = process.argv.indexOf('--rounds');
  const roundCount = roundsArgument >= 0 ? Number(process.argv[roundsArgument + 1]) : quick ? 1 : 3;
  const executionUrl = system.url('execution-service');
  const cpuParts = system.cpuParts();
  const rounds: AcceptPathRound[] = [];
  for (let index = 0; index < roundCount; index++) {
    await system.timeToZeroLag(120_000);
    const idleFrom = await cpuSeconds(executionUrl);
    await sleep(2_000);
    const idleCpu = ((await cpuSeconds(executionUrl)) - idleFrom) * 500;
    const raw = await postgresBaseline(context, connections, { measureCpu: true });
    const cpuBefore = await cpuSeconds(executionUrl);
    const machineBefore = await cpuSnapshot(cpuParts);
    const ours = await maxRateProgressUpdates(executionUrl, org, connections, seconds);
    const machineAfter = await cpuSnapshot(cpuParts);
    const cpuAfter = await cpuSeconds(executionUrl);
    const alone = await withDownstreamPaused(context, async () => {
      const before = await cpuSnapshot(cpuParts);
      const run = await maxRateProgressUpdates(executionUrl, org, connections, seconds);
      return { run, cpu: cpuPerUnit(before, await cpuSnapshot(cpuParts), run.accepted) };
    });
    const round_: AcceptPathRound = {
      rawTransactionsPerSecond: raw.transactionsPerSecond,
      rawP50Ms: raw.latencyMs.p50,
      acceptedPerSecond: ours.acceptedPerSecond,
      acceptedP50Ms: ours.latencyMs.p50,
      acceptedOverRaw: round(ours.acceptedPerSecond / raw.transactionsPerSecond, 3),
      executionCpuMsPerUpdate: round(((cpuAfter - cpuBefore) * 1000) / Math.max(1, ours.accepted), 2),
      executionIdleCpuMsPerSecond: round(idleCpu, 0),
      non2xx: ours.non2xx,
      loadAverage: round(loadavg()[0], 1),
      cpuMsPerRawTransaction: raw.cpuMsPerTransaction!,
      cpuMsPerAcceptedUpdate: cpuPerUnit(machineBefore, machineAfter, ours.accepted),
      aloneAcceptedPerSecond: alone?.run.acceptedPerSecond ?? Number.NaN,
      aloneOverRaw: round((alone?.run.acceptedPerSecond ?? Number.NaN) / raw.transactionsPerSecond, 3),
      cpuMsPerAloneUpdate: alone?.cpu ?? {},
    };
    log(
      `accept path, round ${index + 1}: raw ${round_.rawTransactionsPerSecond} tx/s, execution ${round_.acceptedPerSecond} updates/s (p50 ${round_.acceptedP50Ms} ms, ${round_.executionCpuMsPerUpdate} ms CPU each; ${round_.executionIdleCpuMsPerSecond} ms/s idle; ${round_.non2xx} non-2xx) → ${round_.acceptedOverRaw} of raw; load ${round_.loadAverage}`,
    );
    log(
      `accept path, round ${index + 1}, CPU ms per raw transaction: ${JSON.stringify(round_.cpuMsPerRawTransaction)}`,
    );
    log(
      `accept path, round ${index + 1}, CPU ms per accepted update: ${JSON.stringify(round_.cpuMsPerAcceptedUpdate)}`,
    );
    log(
      `accept path, round ${index + 1}, downstream paused: ${round_.aloneAcceptedPerSecond} updates/s → ${round_.aloneOverRaw} of raw; CPU ms per update: ${JSON.stringify(round_.cpuMsPerAloneUpdate)}`,
    );
    rounds.push(round_);
  }
  // What comes next is not measured beside the last round's backlog either.
  await system.timeToZeroLag(120_000);
  const of = (key: keyof AcceptPathResult['medians']) => median(rounds.map((entry) => entry[key]));
  const medians = {
    rawTransactionsPerSecond: of('rawTransactionsPerSecond'),
    rawP50Ms: of('rawP50Ms'),
    acceptedPerSecond: of('acceptedPerSecond'),
    acceptedP50Ms: of('acceptedP50Ms'),
    acceptedOverRaw: of('acceptedOverRaw'),
    aloneAcceptedPerSecond: of('aloneAcceptedPerSecond'),
    aloneOverRaw: of('aloneOverRaw'),
    executionCpuMsPerUpdate: of('executionCpuMsPerUpdate'),
    executionIdleCpuMsPerSecond: of('executionIdleCpuMsPerSecond'),
    loadAverage: of('loadAverage'),
  };
  log(
    `accept path, medians of ${roundCount}: raw ${medians.rawTransactionsPerSecond} tx/s, execution ${medians.acceptedPerSecond} updates/s, accepted ÷ raw ${medians.acceptedOverRaw}, ${medians.executionCpuMsPerUpdate} ms CPU per update`,
  );
  const medianByPart = (of: (entry: AcceptPathRound) => Record<string, number>) =>
    Object.fromEntries(
      Object.keys(of(rounds[0])).map((part) => [part, median(rounds.map((entry) => of(entry)[part] ?? 0))]),
    );
  return {
    connections,
    secondsPerRun: seconds,
    rounds,
    medians,
    cpuMsPerRawTransaction: medianByPart((entry) => entry.cpuMsPerRawTransaction),
    cpuMsPerAcceptedUpdate: medianByPart((entry) => entry.cpuMsPerAcceptedUpdate),
    cpuMsPerAloneUpdate: medianByPart((entry) => entry.cpuMsPerAloneUpdate),
  };
}

/**
 * Runs `measure` with every service but execution stopped (SIGSTOP), as if they ran elsewhere, and
 * waits until they have caught up afterwards; undefined when the benchmark did not start the system.
 */
async function withDownstreamPaused<T>(context: BenchContext, measure: () => Promise<T>): Promise<T | undefined> {
  const { system } = context;
  if (!system.managed) return undefined;
  await system.settled();
  const downstream = [...system.processes]
    .filter(([service]) => service !== 'execution-service')
    .map(([, instance]) => instance.pid!);
  downstream.forEach((pid) => process.kill(pid, 'SIGSTOP'));
  try {
    return await measure();
  } finally {
    downstream.forEach((pid) => process.kill(pid, 'SIGCONT'));
  }
}

if (require.main === module) runStandalone('accept-path', acceptPath);
