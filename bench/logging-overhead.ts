/**
 * What a request pays for its structured log: the same small JSON handler served with and
 * without the services' pino-http middleware (access line, correlation id, mixin with the
 * request, trace and event context), JSON to /dev/null, measured side by side in alternating
 * rounds on one machine. `npx tsx bench/logging-overhead.ts [--quick]`
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import autocannon from 'autocannon';
import pino from 'pino';
import pinoHttp from 'pino-http';
import { pinoHttpOptions } from '@throughline/service-kit';
import { median, round } from './lib/stats';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const answer: Handler = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"score":72,"status":"on_track"}');
};

function serve(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/scores/organisation`,
      }),
    ),
  );
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const rounds = quick ? 2 : 5;
  const duration = quick ? 2 : 5;
  const destination = pino.destination({ dest: '/dev/null', sync: false });
  const log = pinoHttp(
    { ...pinoHttpOptions({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }), transport: undefined },
    destination,
  );
  const plain = await serve(answer);
  const logged = await serve((request, response) => {
    request.headers['x-correlation-id'] = 'bench-correlation-id';
    log(request, response);
    answer(request, response);
  });
  const figures = {
    plain: [] as number[],
    logged: [] as number[],
    plainRps: [] as number[],
    loggedRps: [] as number[],
  };
  for (let round_ = 0; round_ < rounds; round_++) {
    for (const [name, target] of [
      ['plain', plain],
      ['logged', logged],
    ] as const) {
      const result = await autocannon({ url: target.url, connections: 10, duration });
      figures[name].push(result.latency.average * 1000);
      figures[`${name}Rps`].push(result.requests.average);
    }
  }
  const plainUs = median(figures.plain);
  const loggedUs = median(figures.logged);
  const perRequestUs = round(1e6 / median(figures.loggedRps) - 1e6 / median(figures.plainRps), 1);
  console.log(
    JSON.stringify(
      {
        rounds,
        durationSeconds: duration,
        connections: 10,
        medianLatencyUs: { plain: round(plainUs, 0), logged: round(loggedUs, 0) },
        medianRequestsPerSecond: {
          plain: round(median(figures.plainRps), 0),
          logged: round(median(figures.loggedRps), 0),
        },
        cpuMicrosecondsPerRequestForTheLog: perRequestUs,
      },
      null,
      2,
    ),
  );
  plain.server.close();
  logged.server.close();
  destination.flushSync();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
