/**
 * Where the time goes on the hot path: execution, metrics and integrations are restarted with V8's sampling
 * profiler preloaded, the closed-loop update load runs, and each profile's self time is summed
 * by package (ours, TypeORM, pg, Nest, Fastify, kafkajs, class-validator, jose, Node itself, GC).
 * With `--rate N`, the load is N updates a second instead (paced), where per-batch costs show.
 * `npx tsx bench/hot-path-profile.ts [--quick] [--rate N]`
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchContext, runStandalone } from './lib/scenario';
import { maxRateProgressUpdates, pacedProgressUpdates } from './lib/task-updates';
import { round, sleep } from './lib/stats';
import { ServiceName } from './lib/system';

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string };
    hitCount?: number;
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  what: string;
  percentOfBusy: number;
  ms: number;
}

export interface ServiceProfile {
  service: ServiceName;
  busyMs: number;
  idleMs: number;
  top: ProfileShare[];
}

/** Which package (or part of ours) a stack frame belongs to. */
export function frameOwner(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.endsWith('cpu-profile-preload.js')) return '(the profiler itself)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const ours = /\/dist\/(apps|libs)\/([^/]+)\/src\/(?:([^/]+)\/)?/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}${ours[3] && !ours[3].endsWith('.js') ? `/${ours[3]}` : ''}`;
  if (url.startsWith('node:')) return 'node (runtime)';
  return url;
}

/** Native and Node-runtime frames (JSON, crypto, sockets…) are charged to the package that called them, which is what can change. */
const CHARGED_TO_CALLER = new Set(['(native)', 'node (runtime)']);

export function summarizeProfile(service: ServiceName, profile: CpuProfile, top = 8): ServiceProfile {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const own = new Map(
    profile.nodes.map((node) => [node.id, frameOwner(node.callFrame.url, node.callFrame.functionName)]),
  );
  const owner = new Map<number, string>();
  for (const node of profile.nodes) {
    let id: number | undefined = node.id;
    while (id !== undefined && CHARGED_TO_CALLER.has(own.get(id)!) && parent.has(id)) id = parent.get(id);
    const charged = id === undefined ? own.get(node.id)! : own.get(id)!;
    owner.set(node.id, charged === '(root)' ? own.get(node.id)! : charged);
  }
  const totals = new Map<string, number>();
  profile.samples.forEach((nodeId, index) => {
    const key = owner.get(nodeId) ?? '?';
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const idleMs = totals.get('(idle)') ?? 0;
  totals.delete('(idle)');
  const busyMs = [...totals.values()].reduce((sum, value) => sum + value, 0);
  const shares = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    service,
    busyMs: round(busyMs, 0),
    idleMs: round(idleMs, 0),
    top: shares.map(([what, ms]) => ({ what, ms: round(ms, 0), percentOfBusy: round((100 * ms) / busyMs, 1) })),
  };
}

export async function hotPathProfile(
  context: BenchContext,
): Promise<{ load: { acceptedPerSecond: number; seconds: number }; services: ServiceProfile[] }> {
  const { system, quick, log } = context;
  if (!system.managed) {
    log('profile skipped: it restarts services, so it needs the system the benchmark starts itself');
    return { load: { acceptedPerSecond: Number.NaN, seconds: 0 }, services: [] };
  }
  const org = await context.organisation();
  const directory = mkdtempSync(join(tmpdir(), 'throughline-bench-profile-'));
  const services: ServiceName[] = ['execution-service', 'metrics-service', 'integrations-service'];
  const files = new Map(services.map((service) => [service, join(directory, `${service}.cpuprofile`)]));
  for (const service of services) {
    await system.restart(service, {
      NODE_OPTIONS: `--require ${join(__dirname, 'lib/cpu-profile-preload.js')}`,
      BENCH_CPU_PROFILE: files.get(service)!,
    });
  }
  const signal = (service: ServiceName) =>
    process.kill(Number(readFileSync(`${files.get(service)}.pid`, 'utf8')), 'SIGWINCH');
  services.forEach(signal);
  const seconds = quick ? 2 : 6;
  const rateArgument = process.argv.indexOf('--rate');
  const acceptedPerSecond =
    rateArgument >= 0
      ? (
          await pacedProgressUpdates(
            system.url('execution-service'),
            org,
            Number(process.argv[rateArgument + 1]),
            seconds * 1000,
            'profile',
          )
        ).achievedRate
      : (await maxRateProgressUpdates(system.url('execution-service'), org, quick ? 8 : 32, seconds)).acceptedPerSecond;
  log(`profiled load: ${acceptedPerSecond} updates/s for ${seconds} s; profiles in ${directory}`);
  signal('execution-service');
  // Metrics and integrations profile until metrics has consumed the same updates.
  await system.timeToZeroLag(120_000);
  signal('metrics-service');
  signal('integrations-service');
  const profiles: ServiceProfile[] = [];
  for (const service of services) {
    const file = files.get(service)!;
    for (let waited = 0; !existsSync(file) && waited < 20_000; waited += 100) await sleep(100);
    await sleep(200);
    const summary = summarizeProfile(service, JSON.parse(readFileSync(file, 'utf8')));
    log(
      `${service} CPU (${summary.busyMs} ms busy): ${summary.top
        .slice(0, 5)
        .map((share) => `${share.what} ${share.percentOfBusy}%`)
        .join(', ')}`,
    );
    profiles.push(summary);
  }
  return { load: { acceptedPerSecond, seconds }, services: profiles };
}

if (require.main === module) runStandalone('hot-path-profile', hotPathProfile);
