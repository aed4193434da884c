/**
 * Read latency of the main endpoints under concurrent load (autocannon): a goal's score with
 * its explanation, a manager's KPIs, the organisation's score.
 * `npx tsx bench/api-latency.ts [--quick]`
 */
import { BenchContext, runStandalone } from './lib/scenario';
import { readLoad } from './lib/task-updates';

export interface EndpointLatency {
  endpoint: string;
  connections: number;
  durationSeconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export async function apiLatency(context: BenchContext): Promise<EndpointLatency[]> {
  const { system, quick, log } = context;
  const org = await context.organisation();
  const metrics = system.url('metrics-service');
  const connections = 10;
  const durationSeconds = quick ? 2 : 6;
  const endpoints = [
    `/v1/scores/goals/${org.goals[0]}`,
    `/v1/kpis/managers/${org.managers[0]}`,
    '/v1/scores/organisation',
  ];
  // The reads are the load: what earlier scenarios left to apply and publish is done first.
  await system.settled();
  const results: EndpointLatency[] = [];
  for (const endpoint of endpoints) {
    const probe = await fetch(metrics + endpoint, { headers: { authorization: `Bearer ${org.directorToken}` } });
    if (!probe.ok) throw new Error(`GET ${endpoint}: ${probe.status} ${await probe.text()}`);
    const load = await readLoad(metrics + endpoint, org.directorToken, connections, durationSeconds);
    const shown = endpoint.replace(/[0-9a-f-]{36}/, ':id');
    results.push({ endpoint: `GET ${shown}`, connections, durationSeconds, ...load });
    log(
      `GET ${shown}: ${load.requestsPerSecond} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms (${connections} connections)`,
    );
  }
  return results;
}

if (require.main === module) runStandalone('api-latency', apiLatency);
