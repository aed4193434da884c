/**
 * How fast other systems can push key-result measurements: a bulk upload of N rows (NDJSON, then
 * the same rows as CSV) to the strategy service's POST /v1/key-result-measurements, side by side
 * in each round with the raw PostgreSQL lower bound — the same rows and check-in outbox rows
 * inserted in transactions of the service's chunk size, envelopes made beforehand, no HTTP, no
 * parsing, no checks. Medians of the rounds, and their ratio. Each timed run starts once
 * strategy's outbox holds nothing unpublished: the relay runs in the uploading process, and
 * publishing the previous run's 20,000 check-ins beside the next upload timed both together.
 * Metrics goes on applying the check-ins meanwhile, as it would in production.
 *   npx tsx bench/measurement-ingest.ts [--rows 20000] [--rounds 3]
 * `npm run bench` runs it last (metrics then applies the check-ins it published); --quick: 2,000 rows, one round.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { createEvent, KeyResultCheckedInV1 } from '@throughline/contracts';
import { mintDevToken } from '@throughline/service-kit';
import { expectStatus, ifMatch, setUpOrganisation } from '@throughline/testing';
import { MEASUREMENT_CHUNK_ROWS } from '../apps/strategy-service/src/goals/key-results/measurements/measurement.rules';
import { BenchContext, runStandalone } from './lib/scenario';
import { median, nowMs, ratio, round, sleep } from './lib/stats';

const RAW_SCHEMA = 'bench_raw_measurements';
const TARGET_PER_SECOND = 5_000;
/** A run starts at the latest this long after the previous one, quiet or not (quietSeconds says which). */
const QUIET_LIMIT_MS = 60_000;

interface Row {
  keyResultId: string;
  value: number;
  measuredAt: string;
  source: string;
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

/** POSTs a body and waits for the whole answer, however long the upload takes. */
function post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

/** An active goal with ten key results, and a measurements-only integrator credential of its organisation. */
async function measuredGoal(strategy: string) {
  const org = await setUpOrganisation(strategy, 'Measured Ltd');
  const goal = expectStatus(
    await org.director.api.post('/v1/goals', {
      title: 'Run the plant on numbers',
      ownerId: org.director.id,
      orgUnitId: org.companyUnitId,
      periodStart: '2025-01-01',
      periodEnd: '2027-12-31',
      budget: { currency: 'EUR', amountMinor: 10_000_000 },
    }),
    201,
  );
  const keyResults: string[] = [];
  for (let index = 0; index < 10; index++)
    keyResults.push(
      expectStatus(
        await org.director.api.post(`/v1/goals/${goal.id}/key-results`, {
          name: `Line ${index} output`,
          category: 'operational_efficiency',
          unit: 'units/hour',
          baseline: 100,
          target: 150,
          direction: 'increase',
        }),
        201,
      ).id,
    );
  expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(1)), 200);
  const token = await mintDevToken({
    personId: randomUUID(),
    orgId: org.orgId,
    role: 'integrator',
    scopes: ['measurements:write'],
  });
  return { orgId: org.orgId, goalId: goal.id as string, keyResults, token };
}

function rowsFor(keyResults: string[], count: number, round: number): Row[] {
  const start = Date.UTC(2025, 0, 1) + round * count * 1000;
  return Array.from({ length: count }, (_, index) => ({
    keyResultId: keyResults[index % keyResults.length],
    value: 100 + ((index * 7) % 50) + round / 10,
    measuredAt: new Date(start + index * 1000).toISOString(),
    source: 'MES line counter',
  }));
}

const ndjson = (rows: Row[]) => Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
const csv = (rows: Row[]) =>
  Buffer.from(
    'keyResultId,value,measuredAt,source\n' +
      rows.map((row) => `${row.keyResultId},${row.value},${row.measuredAt},${row.source}`).join('\n') +
      '\n',
  );

/** The same rows and outbox rows straight into PostgreSQL, one transaction per chunk of the service's size. */
async function rawInsert(pool: Pool, rows: Row[], orgId: string, goalId: string): Promise<number> {
  const ids = rows.map(() => randomUUID());
  const envelopes = rows.map((row, index) =>
    JSON.stringify(
      createEvent(
        KeyResultCheckedInV1,
        {
          checkInId: ids[index],
          keyResultId: row.keyResultId,
          goalId,
          managerId: goalId,
          value: row.value,
          measuredOn: row.measuredAt.slice(0, 10),
          note: `Pushed by ${row.source}, measured at ${row.measuredAt}`,
          recordedAt: new Date().toISOString(),
        },
        { source: '/throughline/strategy-service', orgId, correlationId: randomUUID(), actorId: goalId },
      ).envelope,
    ),
  );
  const client = await pool.connect();
  const started = nowMs();
  try {
    for (let from = 0; from < rows.length; from += MEASUREMENT_CHUNK_ROWS) {
      const chunk = rows.slice(from, from + MEASUREMENT_CHUNK_ROWS);
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ${RAW_SCHEMA}.key_result_measurement (id, org_id, key_result_id, goal_id, value, measured_at, source, recorded_by, recorded_at)
         SELECT id, $1, key_result_id, $2, value, measured_at, source, $2, now()
         FROM unnest($3::uuid[], $4::uuid[], $5::float8[], $6::timestamptz[], $7::text[]) AS m(id, key_result_id, value, measured_at, source)`,
        [
          orgId,
          goalId,
          ids.slice(from, from + MEASUREMENT_CHUNK_ROWS),
          chunk.map((row) => row.keyResultId),
          chunk.map((row) => row.value),
          chunk.map((row) => row.measuredAt),
          chunk.map((row) => row.source),
        ],
      );
      await client.query(
        `INSERT INTO ${RAW_SCHEMA}.outbox_event (event_id, topic, partition_key, event_type, envelope)
         SELECT (envelope->>'id')::uuid, 'throughline.execution.tasks', $1, envelope->>'type', envelope FROM unnest($2::json[]) AS e(envelope)`,
        [goalId, envelopes.slice(from, from + MEASUREMENT_CHUNK_ROWS)],
      );
      await client.query('COMMIT');
    }
    return (nowMs() - started) / 1000;
  } finally {
    client.release();
  }
}

export async function measurementIngest(context: BenchContext) {
  const { system, quick } = context;
  const rowCount = argument('--rows', quick ? 2_000 : 20_000);
  const rounds = argument('--rounds', quick ? 1 : 3);
  const strategy = system.url('strategy-service');
  const measured = await measuredGoal(strategy);
  const pool = new Pool({ connectionString: system.databaseUrl, max: 2 });
  await pool.query(`DROP SCHEMA IF EXISTS ${RAW_SCHEMA} CASCADE; CREATE SCHEMA ${RAW_SCHEMA}`);
  await pool.query(
    `CREATE TABLE ${RAW_SCHEMA}.key_result_measurement (id uuid PRIMARY KEY, org_id uuid NOT NULL, key_result_id uuid NOT NULL, goal_id uuid NOT NULL, value double precision NOT NULL, measured_at timestamptz NOT NULL, source text NOT NULL, recorded_by uuid NOT NULL, recorded_at timestamptz NOT NULL)`,
  );
  await pool.query(`CREATE INDEX ON ${RAW_SCHEMA}.key_result_measurement (key_result_id, measured_at DESC, id DESC)`);
  await pool.query(
    `CREATE TABLE ${RAW_SCHEMA}.outbox_event (seq bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, topic text NOT NULL, partition_key text NOT NULL, event_type text NOT NULL, envelope json NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz)`,
  );
  const upload = async (format: 'ndjson' | 'csv', rows: Row[]) => {
    const body = format === 'ndjson' ? ndjson(rows) : csv(rows);
    const started = nowMs();
    const answer = await post(
      `${strategy}/v1/key-result-measurements`,
      {
        authorization: `Bearer ${measured.token}`,
        'content-type': format === 'ndjson' ? 'application/x-ndjson' : 'text/csv',
        'idempotency-key': `"${randomUUID()}"`,
      },
      body,
    );
    const seconds = (nowMs() - started) / 1000;
    if (answer.status !== 200) throw new Error(`bulk upload answered ${answer.status}: ${answer.text.slice(0, 400)}`);
    return { seconds, kb: body.length / 1024 };
  };
  const outbox = `${system.schema('strategy-service')}.outbox_event`;
  /** Waits until the previous run's events are published; how long it took (capped). */
  const quiet = async () => {
    const started = nowMs();
    while (nowMs() - started < QUIET_LIMIT_MS) {
      const [{ backlog }] = await system.query<{ backlog: number }>(
        `SELECT count(*)::int AS backlog FROM ${outbox} WHERE published_at IS NULL`,
      );
      if (backlog === 0) break;
      await sleep(250);
    }
    return round((nowMs() - started) / 1000, 1);
  };
  const quietSeconds: number[] = [];
  const loadBefore = loadavg();
  const perRound: Array<{ ndjson: number; csv: number; raw: number }> = [];
  let bodyKb = 0;
  try {
    for (let index = 0; index < rounds; index++) {
      quietSeconds.push(await quiet());
      const ndjsonRun = await upload('ndjson', rowsFor(measured.keyResults, rowCount, 3 * index));
      bodyKb = ndjsonRun.kb;
      quietSeconds.push(await quiet());
      const csvRun = await upload('csv', rowsFor(measured.keyResults, rowCount, 3 * index + 1));
      quietSeconds.push(await quiet());
      const rawSeconds = await rawInsert(
        pool,
        rowsFor(measured.keyResults, rowCount, 3 * index + 2),
        measured.orgId,
        measured.goalId,
      );
      const point = {
        ndjson: round(rowCount / ndjsonRun.seconds, 0),
        csv: round(rowCount / csvRun.seconds, 0),
        raw: round(rowCount / rawSeconds, 0),
      };
      perRound.push(point);
      context.log(
        `measurement ingest round ${index + 1}: NDJSON ${point.ndjson}/s, CSV ${point.csv}/s, raw PostgreSQL ${point.raw}/s (${rowCount} rows each)`,
      );
    }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${RAW_SCHEMA} CASCADE`).catch(() => undefined);
    await pool.end();
  }
  const ndjsonPerSecond = median(perRound.map((point) => point.ndjson));
  const csvPerSecond = median(perRound.map((point) => point.csv));
  const rawPerSecond = median(perRound.map((point) => point.raw));
  const result = {
    rows: rowCount,
    rounds,
    ndjsonKb: round(bodyKb, 0),
    perRound,
    ndjsonPerSecond,
    csvPerSecond,
    rawPostgresPerSecond: rawPerSecond,
    ndjsonToRaw: ratio(ndjsonPerSecond, rawPerSecond),
    csvToRaw: ratio(csvPerSecond, rawPerSecond),
    targetPerSecond: TARGET_PER_SECOND,
    /** Before each timed run: seconds until the previous run's events were published. */
    quietSeconds,
    loadAverageBefore: loadBefore.map((value) => round(value, 1)),
    loadAverageAfter: loadavg().map((value) => round(value, 1)),
  };
  context.log(
    `measurement ingest: NDJSON ${ndjsonPerSecond}/s, CSV ${csvPerSecond}/s, raw PostgreSQL ${rawPerSecond}/s (medians of ${rounds}; target ${TARGET_PER_SECOND}/s)`,
  );
  return result;
}

/** Run alone, the figures are also kept in docs/benchmarks/measurement-ingest.json (docs/benchmarks.md quotes them). */
if (require.main === module)
  runStandalone('measurementIngest', async (context) => {
    const result = await measurementIngest(context);
    const file = join(resolve(__dirname, '..'), 'docs/benchmarks/measurement-ingest.json');
    const command = `npx tsx bench/measurement-ingest.ts ${process.argv.slice(2).join(' ')}`.trim();
    writeFileSync(file, JSON.stringify({ measuredAt: new Date().toISOString(), command, ...result }, null, 2) + '\n');
    return result;
  });
