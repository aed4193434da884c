/**
 * What a request pays for the operations features: four more metrics-service replicas on the
 * run's database and topics, identical but for LOG_LEVEL/LOG_FORMAT and OTEL_EXPORTER_OTLP_ENDPOINT
 * (silent and untraced · JSON access logs · traced, exported over OTLP/HTTP to a stand-in collector
 * in this process · both), take the same closed-loop read load (GET /v1/scores/organisation as the
 * director) in alternating rounds. Per variant: the service's own CPU time per request (from
 * /proc/<pid>/stat), throughput and latency; the overheads are the differences of the medians.
 * `npx tsx bench/operations-overhead.ts [--quick]`
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { ServiceProcess, startOtlpCollector } from '@throughline/testing';
import { BenchContext, runStandalone } from './lib/scenario';
import { median, nowMs, round, sleep } from './lib/stats';

interface Variant {
  key: 'plain' | 'logged' | 'traced' | 'loggedTraced';
  name: string;
  logs: boolean;
  traced: boolean;
}

const VARIANTS: Variant[] = [
  { key: 'plain', name: 'no logs, no tracing', logs: false, traced: false },
  { key: 'logged', name: 'JSON logs (info: one access line per request)', logs: true, traced: false },
  { key: 'traced', name: 'tracing, OTLP export to a local collector', logs: false, traced: true },
  { key: 'loggedTraced', name: 'JSON logs and tracing (the production setup)', logs: true, traced: true },
];

export interface VariantFigures {
  variant: Variant['key'];
  name: string;
  cpuUsPerRequest: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

type Overhead = Record<'logs' | 'tracing' | 'both', { cpuUsPerRequest: number; p50Ms: number }>;

export interface EndpointOverhead {
  endpoint: string;
  variants: VariantFigures[];
  /** Medians of a variant minus those of the silent, untraced one. */
  overhead: Overhead;
}

export type OperationsOverhead =
  | { skipped: string }
  | {
      connections: number;
      rounds: number;
      secondsPerRound: number;
      endpoints: EndpointOverhead[];
      /** Server spans the collector received ÷ requests the traced variants answered (1 = nothing dropped). */
      spansExportedPerTracedRequest: number;
    };

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU milliseconds a process has used so far (Linux); NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime); the slice starts at field 3.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

interface Endpoint {
  label: string;
  path: string;
  status: number;
  token?: string;
}

export async function operationsOverhead(context: BenchContext): Promise<OperationsOverhead> {
  const { system, quick, log } = context;
  if (!system.managed) return { skipped: 'needs the system the benchmark starts (it starts four more replicas)' };
  const org = await context.organisation();
  const rounds = quick ? 2 : 5;
  const secondsPerRound = quick ? 1 : 4;
  const connections = 10;
  // A real read, and the cheapest answer that still passes every middleware (the guard refuses it),
  // where the logs' and spans' share of the work is largest.
  const endpoints: Endpoint[] = [
    { label: 'GET /v1/scores/organisation', path: '/v1/scores/organisation', status: 200, token: org.directorToken },
    { label: 'GET /v1/scores/organisation without a token (401)', path: '/v1/scores/organisation', status: 401 },
  ];
  const collector = await startOtlpCollector();
  const instances = new Map<Variant['key'], ServiceProcess>();
  let tracedRequests = 0;
  const load = async (variant: Variant, endpoint: Endpoint, seconds: number) => {
    const instance = instances.get(variant.key)!;
    const before = cpuMs(instance.pid);
    const result = await autocannon({
      url: instance.url + endpoint.path,
      connections,
      duration: seconds,
      headers: endpoint.token ? { authorization: `Bearer ${endpoint.token}` } : {},
    });
    const used = cpuMs(instance.pid) - before;
    if (variant.traced) tracedRequests += result.requests.total;
    const unexpected = endpoint.status === 200 ? result.non2xx : result.requests.total - result.non2xx;
    if (unexpected > 0 || result.errors > 0)
      throw new Error(
        `${endpoint.label} on ${variant.name}: ${unexpected} unexpected answers, ${result.errors} errors`,
      );
    return {
      cpuUsPerRequest: (used * 1000) / result.requests.total,
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
    };
  };
  try {
    for (const variant of VARIANTS) {
      const { process: instance } = await system.startService('metrics-service', system.schema('metrics-service'), {
        LOG_LEVEL: variant.logs ? 'info' : 'silent',
        LOG_FORMAT: 'json',
        ...(variant.traced ? { OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/${variant.key}` } : {}),
      });
      instances.set(variant.key, instance);
    }
    const results: EndpointOverhead[] = [];
    for (const endpoint of endpoints) {
      for (const variant of VARIANTS) await load(variant, endpoint, 1); // warm-up: JIT, pools, caches
      const samples = new Map(VARIANTS.map((variant) => [variant.key, [] as Array<Awaited<ReturnType<typeof load>>>]));
      for (let index = 0; index < rounds; index++) {
        // Each round starts with another variant, so none is always first after a pause.
        const order = VARIANTS.map((_, offset) => VARIANTS[(index + offset) % VARIANTS.length]);
        for (const variant of order) samples.get(variant.key)!.push(await load(variant, endpoint, secondsPerRound));
      }
      const variants = VARIANTS.map((variant): VariantFigures => {
        const of = samples.get(variant.key)!;
        const med = (pick: (sample: (typeof of)[number]) => number, digits = 2) => round(median(of.map(pick)), digits);
        return {
          variant: variant.key,
          name: variant.name,
          cpuUsPerRequest: med((sample) => sample.cpuUsPerRequest, 0),
          requestsPerSecond: med((sample) => sample.requestsPerSecond, 0),
          p50Ms: med((sample) => sample.p50Ms),
          p99Ms: med((sample) => sample.p99Ms),
        };
      });
      const figures = (key: Variant['key']) => variants.find((variant) => variant.variant === key)!;
      const versus = (key: Variant['key']) => ({
        cpuUsPerRequest: round(figures(key).cpuUsPerRequest - figures('plain').cpuUsPerRequest, 0),
        p50Ms: round(figures(key).p50Ms - figures('plain').p50Ms),
      });
      const overhead = { logs: versus('logged'), tracing: versus('traced'), both: versus('loggedTraced') };
      results.push({ endpoint: endpoint.label, variants, overhead });
      log(
        `${endpoint.label}: ${variants.map((variant) => `${variant.variant} ${variant.cpuUsPerRequest} µs CPU/request`).join(', ')}; overhead: logs ${overhead.logs.cpuUsPerRequest} µs, tracing ${overhead.tracing.cpuUsPerRequest} µs, both ${overhead.both.cpuUsPerRequest} µs`,
      );
    }
    // The batch processor exports every 5 s or every 512 spans: wait for the last batch.
    const exported = () => collector.spanCount('traced') + collector.spanCount('loggedTraced');
    const waitUntil = nowMs() + 8000;
    while (exported() < tracedRequests && nowMs() < waitUntil) await sleep(100);
    const spansExportedPerTracedRequest = round(exported() / tracedRequests, 3);
    log(`spans exported per traced request: ${spansExportedPerTracedRequest}`);
    return { connections, rounds, secondsPerRound, endpoints: results, spansExportedPerTracedRequest };
  } finally {
    for (const instance of instances.values()) await instance.stop();
    await collector.stop();
  }
}

if (require.main === module) runStandalone('operations-overhead', operationsOverhead);
