/**
 * The raw parts, on the same PostgreSQL and broker, with the same shapes:
 *  - PostgreSQL: one transaction per update (the task row and an outbox row with a real event
 *    envelope), as many in parallel as the throughput run has connections, through a pool as
 *    large as a service's;
 *  - Kafka: kafkajs produce → consume of the same envelope at a steady rate, one hop.
 * `npx tsx bench/baselines.ts [--quick]`
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createEvent, TaskProgressReportedV1 } from '@throughline/contracts';
import { ensureTopics } from '@throughline/messaging';
import { benchApplicationName, cpuPerUnit, cpuSnapshot } from './lib/machine-cpu';
import { BenchContext, runStandalone } from './lib/scenario';
import { nowMs, round, sleep, summarize, Summary } from './lib/stats';

const SCHEMA = 'bench_raw';

function sampleEnvelope(taskId: string, progress: number): string {
  const data = {
    taskId,
    goalId: randomUUID(),
    managerId: randomUUID(),
    progress,
    note: null,
    reportedBy: randomUUID(),
    reportedAt: new Date().toISOString(),
    taskVersion: 2,
  };
  return JSON.stringify(
    createEvent(TaskProgressReportedV1, data, {
      source: '/throughline/execution-service',
      orgId: randomUUID(),
      correlationId: randomUUID(),
      actorId: data.reportedBy,
    }).envelope,
  );
}

export interface PostgresBaseline {
  connections: number;
  poolSize: number;
  durationSeconds: number;
  transactionsPerSecond: number;
  latencyMs: Summary;
  /** CPU milliseconds per transaction by part of the machine (cpuPerUnit), when the caller asked for them. */
  cpuMsPerTransaction?: Record<string, number>;
}

/** The application name of the baseline's connections, so their backends' CPU is told apart. */
export const RAW_BASELINE_PART = 'raw PostgreSQL client';

/**
 * Raw PostgreSQL "task row + outbox row" transactions in a closed loop. `measureCpu`: the machine's
 * CPU per transaction by part; `notify`: each transaction also notifies a channel before COMMIT, as
 * the outbox once did (bench/commit-notify.ts).
 */
export async function postgresBaseline(
  context: BenchContext,
  connections: number,
  { measureCpu = false, notify = false }: { measureCpu?: boolean; notify?: boolean } = {},
): Promise<PostgresBaseline> {
  const { system, quick } = context;
  const poolSize = 10;
  const applicationName = benchApplicationName(system.tag, 'raw');
  const pool = new Pool({ connectionString: system.databaseUrl, max: poolSize, application_name: applicationName });
  const cpuParts = system.cpuParts({ [applicationName]: RAW_BASELINE_PART });
  const tasks = Array.from({ length: 2_000 }, () => randomUUID());
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`);
    await pool.query(
      `CREATE TABLE ${SCHEMA}.task (id uuid PRIMARY KEY, progress int NOT NULL, version int NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
    );
    await pool.query(
      `CREATE TABLE ${SCHEMA}.outbox_event (seq bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, topic text NOT NULL, partition_key text NOT NULL, event_type text NOT NULL, envelope json NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz)`,
    );
    await pool.query(`CREATE INDEX ON ${SCHEMA}.outbox_event (seq) WHERE published_at IS NULL`);
    await pool.query(`INSERT INTO ${SCHEMA}.task (id, progress, version) SELECT unnest($1::uuid[]), 0, 1`, [tasks]);
    const idle = [...tasks];
    const latencies: number[] = [];
    const durationMs = (quick ? 2 : 8) * 1000;
    const cpuBefore = measureCpu ? await cpuSnapshot(cpuParts) : undefined;
    const started = nowMs();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (nowMs() - started < durationMs) {
          const taskId = idle.shift()!;
          const begun = nowMs();
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query(
              `UPDATE ${SCHEMA}.task SET progress = (progress + 41) % 101, version = version + 1, updated_at = now() WHERE id = $1`,
              [taskId],
            );
            await client.query(
              `INSERT INTO ${SCHEMA}.outbox_event (event_id, topic, partition_key, event_type, envelope) VALUES ($1, $2, $3, $4, $5)`,
              [
                randomUUID(),
                'throughline.execution.tasks',
                taskId,
                TaskProgressReportedV1.type,
                sampleEnvelope(taskId, 41),
              ],
            );
            if (notify) await client.query(`SELECT pg_notify('bench_commit_notify', $1)`, [taskId]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
          latencies.push(nowMs() - begun);
          idle.push(taskId);
        }
      }),
    );
    const elapsed = (nowMs() - started) / 1000;
    return {
      connections,
      poolSize,
      durationSeconds: round(elapsed, 1),
      transactionsPerSecond: round(latencies.length / elapsed, 1),
      latencyMs: summarize(latencies),
      ...(cpuBefore && { cpuMsPerTransaction: cpuPerUnit(cpuBefore, await cpuSnapshot(cpuParts), latencies.length) }),
    };
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

export interface KafkaBaseline {
  rate: number;
  messages: number;
  produceToConsumeMs: Summary;
}

/** One hop: from the producer's send call (acks from all in-sync replicas) to the consumer receiving it, at a steady rate. */
export async function kafkaBaseline(context: BenchContext, rate: number): Promise<KafkaBaseline> {
  const { system, quick } = context;
  const topic = system.topic(`bench.raw.${Date.now()}`);
  await ensureTopics(system.admin, [topic], 6);
  const producer = system.kafka.producer({ allowAutoTopicCreation: false });
  // The services' consumer settings, so the comparison is like for like.
  const consumer = system.kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxWaitTimeInMs: 100 });
  const sentAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  await producer.connect();
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachMessage: async ({ message }) => {
      receivedAt.set(message.key!.toString(), nowMs());
    },
  });
  await joined;
  const durationMs = (quick ? 2 : 8) * 1000;
  const started = nowMs();
  const sends: Array<Promise<unknown>> = [];
  let sent = 0;
  while (nowMs() - started < durationMs) {
    const due = Math.floor((rate * (nowMs() - started)) / 1000);
    while (sent < due) {
      const key = randomUUID();
      sent++;
      const value = sampleEnvelope(key, sent % 100);
      sentAt.set(key, nowMs());
      sends.push(producer.send({ topic, acks: -1, messages: [{ key, value }] }));
    }
    await sleep(2);
  }
  await Promise.all(sends);
  const deadline = nowMs() + 10_000;
  while (receivedAt.size < sent && nowMs() < deadline) await sleep(20);
  await consumer.disconnect();
  await producer.disconnect();
  await system.admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  const latencies = [...sentAt].filter(([key]) => receivedAt.has(key)).map(([key, at]) => receivedAt.get(key)! - at);
  return { rate, messages: sent, produceToConsumeMs: summarize(latencies) };
}

export async function baselines(context: BenchContext): Promise<{ postgres: PostgresBaseline; kafka: KafkaBaseline }> {
  const postgres = await postgresBaseline(context, context.quick ? 8 : 32);
  context.log(
    `raw PostgreSQL (row + outbox row per transaction): ${postgres.transactionsPerSecond} tx/s, p50 ${postgres.latencyMs.p50} ms, p99 ${postgres.latencyMs.p99} ms`,
  );
  const kafka = await kafkaBaseline(context, 200);
  context.log(
    `raw kafkajs produce→consume at 200/s: p50 ${kafka.produceToConsumeMs.p50} ms, p99 ${kafka.produceToConsumeMs.p99} ms`,
  );
  return { postgres, kafka };
}

if (require.main === module) runStandalone('baselines', baselines);
