/**
 * What an HTTP request costs before any of our work, beside what our services' requests cost: the
 * same closed-loop load (autocannon) on GET /health/live answered by Node's http module alone,
 * by Express, by Nest over Express (what the services ran on until 2026-12-02) and by Nest over
 * Fastify (what they run on), each in a process of its own (bench/lib/http-floor-server.ts); then
 * the services' own /health/live (Nest over Fastify with the shared hooks: security headers,
 * correlation id, access log, metrics; authentication and rate-limit guards skipped for probes)
 * and a read (the organisation's score as its director). Per server: its process's CPU per request (/proc/<pid>/stat) and the
 * rate, in rounds that alternate the servers; medians. The CPU a request needs is what bounds the
 * accept path and the reads on these two cores.
 * `npx tsx bench/http-floor.ts [--quick]`
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { HTTP_FLOOR_SERVERS } from './lib/http-floor-server';
import { BenchContext, runStandalone } from './lib/scenario';
import { median, round } from './lib/stats';
import { processCpuSeconds } from './lib/machine-cpu';

export interface HttpFloorFigures {
  server: string;
  cpuUsPerRequest: number;
  requestsPerSecond: number;
}

export type HttpFloor =
  { skipped: string } | { connections: number; rounds: number; secondsPerRound: number; servers: HttpFloorFigures[] };

interface Target {
  server: string;
  pid: number;
  url: string;
  headers?: Record<string, string>;
}

async function startFloorServer(server: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'lib/http-floor-server.ts'), server], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${server} floor server exited with ${code}`)));
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
  });
  return { child, port };
}

export async function httpFloor(context: BenchContext): Promise<HttpFloor> {
  const { system, quick, log } = context;
  if (!system.managed)
    return { skipped: "it measures the services' processes, so it needs the system the benchmark starts" };
  const org = await context.organisation();
  const connections = 10;
  const seconds = quick ? 1 : 4;
  const rounds = quick ? 1 : 3;
  const floors = await Promise.all(HTTP_FLOOR_SERVERS.map((server) => startFloorServer(server)));
  try {
    const service = (name: 'execution-service' | 'metrics-service') => system.processes.get(name)!;
    const targets: Target[] = [
      ...HTTP_FLOOR_SERVERS.map((server, index) => ({
        server,
        pid: floors[index].child.pid!,
        url: `http://127.0.0.1:${floors[index].port}/health/live`,
      })),
      {
        server: 'execution-service /health/live',
        pid: service('execution-service').pid!,
        url: `${system.url('execution-service')}/health/live`,
      },
      {
        server: 'metrics-service /health/live',
        pid: service('metrics-service').pid!,
        url: `${system.url('metrics-service')}/health/live`,
      },
      {
        server: "metrics-service GET /v1/scores/organisation (the director's)",
        pid: service('metrics-service').pid!,
        url: `${system.url('metrics-service')}/v1/scores/organisation`,
        headers: { authorization: `Bearer ${org.directorToken}` },
      },
    ];
    const samples = new Map(targets.map((target) => [target.server, [] as HttpFloorFigures[]]));
    for (let index = 0; index < rounds; index++) {
      for (const target of targets) {
        const cpuBefore = processCpuSeconds(target.pid);
        const result = await autocannon({ url: target.url, headers: target.headers, connections, duration: seconds });
        const cpuSeconds = processCpuSeconds(target.pid) - cpuBefore;
        if (result.non2xx > 0) throw new Error(`${target.server} answered ${result.non2xx} requests with an error`);
        samples.get(target.server)!.push({
          server: target.server,
          cpuUsPerRequest: round((cpuSeconds * 1e6) / result.requests.total, 0),
          requestsPerSecond: round(result.requests.average, 0),
        });
      }
    }
    const servers = targets.map(({ server }) => {
      const runs = samples.get(server)!;
      return {
        server,
        cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest)),
        requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
      };
    });
    for (const figures of servers)
      log(
        `http floor: ${figures.server}: ${figures.cpuUsPerRequest} µs CPU per request, ${figures.requestsPerSecond} requests/s`,
      );
    return { connections, rounds, secondsPerRound: seconds, servers };
  } finally {
    for (const { child } of floors) child.kill();
  }
}

if (require.main === module) runStandalone('http-floor', httpFloor);
