import http from 'node:http';
import autocannon from 'autocannon';
import { SeededOrganisation, SeededTask } from './org-seed';
import { nowMs, round, sleep, summarize, Summary } from './stats';

/** A progress value far from the current one, so each report moves the score. */
export function nextProgress(current: number): number {
  return current >= 50 ? current - 37 : current + 41;
}

let sequence = 0;
export function correlationId(label: string): string {
  return `bench-${label}-${process.pid}-${++sequence}`;
}

function progressRequest(
  org: SeededOrganisation,
  task: SeededTask,
  correlation: string,
): { path: string; headers: Record<string, string>; body: string; progress: number } {
  const progress = nextProgress(task.progress);
  return {
    path: `/v1/tasks/${task.id}/progress`,
    headers: {
      authorization: `Bearer ${org.tokens.get(task.managerId)}`,
      'content-type': 'application/json',
      'if-match': `"${task.version}"`,
      'x-correlation-id': correlation,
    },
    body: JSON.stringify({ progress }),
    progress,
  };
}

/** After a refused update (e.g. 412, the version moved on): read the task's current version before it is used again. */
async function refreshThenReturn(
  executionUrl: string,
  org: SeededOrganisation,
  task: SeededTask,
  idle: SeededTask[],
): Promise<void> {
  try {
    const response = await fetch(`${executionUrl}/v1/tasks/${task.id}`, {
      headers: { authorization: `Bearer ${org.tokens.get(task.managerId)}` },
    });
    if (response.ok) {
      const current = (await response.json()) as { version: number; progress: number };
      task.version = current.version;
      task.progress = current.progress;
    }
  } catch {
    // The service is unreachable: the next update of this task finds out again.
  } finally {
    idle.push(task);
  }
}

export interface PacedRun {
  targetRate: number;
  durationMs: number;
  attempted: number;
  accepted: number;
  /** Not sent because MAX_IN_FLIGHT updates were already waiting for an answer (execution fell behind the rate). */
  skippedAllTasksBusy: number;
  failures: Record<string, number>;
  achievedRate: number;
  httpLatencyMs: Summary;
  /** Correlation id → when its 2xx response arrived (wall clock, Date.now()). */
  acceptedAt: Map<string, number>;
}

/** Beyond this many unanswered updates the generator stops adding more: a saturated service would otherwise only queue. */
export const MAX_IN_FLIGHT = 256;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

function post(
  url: URL,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Open-loop load at a steady rate: an update is due every 1/rate seconds whether or not the
 * earlier ones have returned (autocannon's rate limit sends each second's quota in a burst,
 * which would measure bursts, not a steady rate). Each task has at most one update in flight,
 * as its If-Match version must come from the previous response.
 */
export async function pacedProgressUpdates(
  executionUrl: string,
  org: SeededOrganisation,
  rate: number,
  durationMs: number,
  label: string,
  /** Ends the load early, e.g. when the measurements it is the background of are done. */
  stop?: AbortSignal,
): Promise<PacedRun> {
  const url = new URL(executionUrl);
  const idle = [...org.tasks].sort(() => Math.random() - 0.5);
  const acceptedAt = new Map<string, number>();
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  let attempted = 0;
  let skipped = 0;
  const send = (task: SeededTask) => {
    const correlation = correlationId(label);
    const request = progressRequest(org, task, correlation);
    const started = nowMs();
    const done = post(url, request.path, request.headers, request.body)
      .then(({ status, text }) => {
        const at = nowMs();
        if (status >= 200 && status < 300) {
          task.version = JSON.parse(text).version;
          task.progress = request.progress;
          // Compared with Kafka record timestamps and score events' receipt: the wall clock.
          acceptedAt.set(correlation, Date.now());
          latencies.push(at - started);
          idle.push(task);
        } else {
          failures[status] = (failures[status] ?? 0) + 1;
          void refreshThenReturn(executionUrl, org, task, idle);
        }
      })
      .catch((error) => {
        failures[String(error.code ?? 'error')] = (failures[String(error.code ?? 'error')] ?? 0) + 1;
        void refreshThenReturn(executionUrl, org, task, idle);
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const started = nowMs();
  for (;;) {
    const elapsed = nowMs() - started;
    if (elapsed >= durationMs || stop?.aborted) break;
    const due = Math.floor((rate * elapsed) / 1000);
    while (attempted + skipped < due) {
      const task = inFlight.size < MAX_IN_FLIGHT ? idle.shift() : undefined;
      if (task) {
        attempted++;
        send(task);
      } else skipped++;
    }
    // Wakes when the next update is due rather than on a fixed tick, so the load's own CPU stays small at low rates.
    const nextDueMs = Math.min(durationMs, ((attempted + skipped + 1) * 1000) / rate);
    await sleep(Math.max(1, nextDueMs - (nowMs() - started)));
  }
  const sendingMs = nowMs() - started;
  await Promise.all(inFlight);
  return {
    targetRate: rate,
    durationMs: round(sendingMs, 0),
    attempted,
    accepted: acceptedAt.size,
    skippedAllTasksBusy: skipped,
    failures,
    achievedRate: round((acceptedAt.size * 1000) / (nowMs() - started), 1),
    httpLatencyMs: summarize(latencies),
    acceptedAt,
  };
}

export interface MaxRateRun {
  connections: number;
  durationSeconds: number;
  accepted: number;
  non2xx: number;
  errors: number;
  acceptedPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  lastAcceptedAt: number;
}

/**
 * Closed-loop, as fast as execution answers: autocannon with one update in flight per
 * connection; each connection takes an idle task and puts it back when the answer (with the
 * new version) arrives.
 */
export async function maxRateProgressUpdates(
  executionUrl: string,
  org: SeededOrganisation,
  connections: number,
  durationSeconds: number,
): Promise<MaxRateRun> {
  const idle = [...org.tasks].sort(() => Math.random() - 0.5);
  if (idle.length < connections * 2)
    throw new Error(`need at least ${connections * 2} tasks for ${connections} connections`);
  let accepted = 0;
  let lastAcceptedAt = 0;
  const unanswered = new Set<SeededTask>();
  const result = await autocannon({
    url: executionUrl,
    connections,
    duration: durationSeconds,
    // A slow answer must not be abandoned (its task would be updated twice at once).
    timeout: 120,
    requests: [
      {
        method: 'POST',
        setupRequest: (request: autocannon.Request, context: Record<string, unknown>) => {
          const task = idle.shift();
          context.task = task;
          // Every task is waiting for an answer or a refresh: ask something harmless meanwhile rather than break If-Match ordering.
          if (!task) return { ...request, method: 'GET', path: '/health/live', headers: {}, body: undefined };
          const update = progressRequest(org, task, correlationId('max'));
          context.task = task;
          unanswered.add(task);
          context.progress = update.progress;
          return { ...request, method: 'POST', path: update.path, headers: update.headers, body: update.body };
        },
        onResponse: (status: number, body: string, context: Record<string, unknown>) => {
          const task = context.task as SeededTask | undefined;
          if (!task) return;
          unanswered.delete(task);
          if (status >= 200 && status < 300) {
            task.version = JSON.parse(body).version;
            task.progress = context.progress as number;
            accepted++;
            lastAcceptedAt = nowMs();
            idle.push(task);
          } else void refreshThenReturn(executionUrl, org, task, idle);
        },
      },
    ],
  } as autocannon.Options);
  // The updates in flight when the run ended may have been applied: their tasks' versions are
  // read again, or the next run would open with one refused update per connection.
  await Promise.all([...unanswered].map((task) => refreshThenReturn(executionUrl, org, task, idle)));
  return {
    connections,
    durationSeconds,
    accepted,
    non2xx: result.non2xx,
    errors: result.errors,
    acceptedPerSecond: round(accepted / durationSeconds, 1),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    lastAcceptedAt,
  };
}

/** GET endpoints under concurrent load: autocannon's own latency histogram. */
export async function readLoad(
  url: string,
  token: string,
  connections: number,
  durationSeconds: number,
): Promise<{ requestsPerSecond: number; p50: number; p99: number; non2xx: number; errors: number }> {
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    requestsPerSecond: round(result.requests.average, 0),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
