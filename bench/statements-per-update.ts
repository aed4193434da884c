/**
 * What each service asks of PostgreSQL per accepted update: execution, metrics and integrations
 * are restarted with bench/lib/pg-count-preload.js, then the progress updates run either at a
 * steady rate (`--rate N`, open loop, 10 s) or flat out (`--rate max`, closed loop, 8 s), and each
 * service's statements per update are reported by kind, with the time each kind took from sending
 * to its answer. At a low rate every event is a batch of its own, so the counts are a batch's
 * round trips; flat out they show what batching saves.
 * `npx tsx bench/statements-per-update.ts [--rate N|max]`
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countingEnv, statementCounter } from './lib/pg-count';
import { BenchContext, runStandalone } from './lib/scenario';
import { maxRateProgressUpdates, pacedProgressUpdates } from './lib/task-updates';
import { round } from './lib/stats';
import { ServiceName } from './lib/system';

const COUNTED: ServiceName[] = ['execution-service', 'metrics-service', 'integrations-service'];

export interface ServiceStatements {
  service: ServiceName;
  perUpdate: number;
  kinds: Array<{ statement: string; perUpdate: number; msEach: number }>;
}

export async function statementsPerUpdate(
  context: BenchContext,
): Promise<{ rate: number | 'max'; updates: number; services: ServiceStatements[] }> {
  const { system, log } = context;
  if (!system.managed) throw new Error('statements-per-update restarts the services: it needs the system it starts');
  const chosen = process.argv.indexOf('--rate');
  const rateArgument = chosen >= 0 ? process.argv[chosen + 1] : '10';
  const rate = rateArgument === 'max' ? 'max' : Number(rateArgument);
  const directory = mkdtempSync(join(tmpdir(), 'throughline-bench-statements-'));
  const files = new Map(COUNTED.map((service) => [service, join(directory, `${service}.json`)]));
  for (const [service, file] of files) await system.restart(service, countingEnv(file));
  const counters = new Map(COUNTED.map((service) => [service, statementCounter(files.get(service)!, service)]));
  const org = await context.organisation();
  await system.timeToZeroLag(60_000);
  const counts = async () =>
    new Map(await Promise.all(COUNTED.map(async (service) => [service, await counters.get(service)!()] as const)));
  const before = await counts();
  const executionUrl = system.url('execution-service');
  const updates =
    rate === 'max'
      ? (await maxRateProgressUpdates(executionUrl, org, 32, 8)).accepted
      : (await pacedProgressUpdates(executionUrl, org, rate, 10_000, 'statements')).accepted;
  // Everything the updates caused downstream is applied and published before counting.
  await system.settled();
  const after = await counts();
  const services = COUNTED.map((service): ServiceStatements => {
    const [then, now] = [before.get(service)!, after.get(service)!];
    const kinds = Object.entries(now.kinds)
      .map(([statement, count]) => {
        const sent = count - (then.kinds[statement] ?? 0);
        const ms = (now.kindsMs[statement] ?? 0) - (then.kindsMs[statement] ?? 0);
        return { statement, perUpdate: round(sent / updates, 3), msEach: round(ms / Math.max(1, sent), 2) };
      })
      .filter((kind) => kind.perUpdate > 0)
      .sort((a, b) => b.perUpdate - a.perUpdate);
    const perUpdate = round((now.statements - then.statements) / updates, 2);
    log(`${service}: ${perUpdate} statements per update`);
    for (const kind of kinds) log(`  ${kind.perUpdate} × ${kind.msEach} ms  ${kind.statement}`);
    return { service, perUpdate, kinds };
  });
  log(`${updates} updates at ${rate === 'max' ? 'the most execution accepts' : `${rate}/s`}`);
  return { rate, updates, services };
}

if (require.main === module) runStandalone('statements-per-update', statementsPerUpdate);
