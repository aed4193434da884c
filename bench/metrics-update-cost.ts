/**
 * What one task update costs the metrics service at 1,000 and at 100,000 tasks in one
 * organisation. Not a test: `npm run bench:metrics-update-cost` (DATABASE_URL to use an
 * existing PostgreSQL, else an embedded one is started). The read models are seeded with SQL
 * (facts computed by the same pure functions the handlers use), then N progress reports go
 * through the real path — inbox row, handler, incremental facts, rescoring, outbox — first each
 * in its own transaction (an idle consumer), then 20 to a transaction (a consumer with a queue),
 * and the medians are compared. Twice: each update on a task (and so, at 100,000 tasks, mostly a
 * goal and a manager) not touched before, which the instance first loads (what an organisation
 * just handed over costs), then on tasks already touched (an organisation held in memory, the
 * steady state the live scaling scenario measures).
 */
import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createEvent, TaskProgressReportedV1 } from '@throughline/contracts';
import { applyEventsOnce, EventOutbox, eventHandlersOf, Outbox } from '@throughline/messaging';
import { dataSourceOptions, runMigrations } from '@throughline/service-kit';
import { metricsDatabase } from '../apps/metrics-service/src/database/metrics-database';
import { ReadModelsModule } from '../apps/metrics-service/src/read-models/read-models.module';
import { addFacts, emptyFacts, FACT_KEYS, FactVector } from '../apps/metrics-service/src/scoring/alignment-formula';
import { taskContribution } from '../apps/metrics-service/src/scoring/contribution-formula';
import { ScoringEngine } from '../apps/metrics-service/src/scoring/scoring-engine.service';
import { startLocalPostgres } from '../libs/local-infra/src';

const SIZES = [1_000, 100_000];
const UPDATES = Number(process.env.BENCH_UPDATES ?? 200);
const WARM_UP = 20;
/** Updates per transaction when they queue up (the consumer takes up to 100 of one organisation). */
const QUEUED = 20;
/** Tasks the held updates cycle through: those the first-touch warm-up touched. */
const HELD_TASKS = 20;
const TASKS_PER_GOAL = 100;
const GOALS_PER_PARENT = 10;
const UNITS = 10;
const AS_OF = '2026-03-01';

@Global()
@Module({
  providers: [
    {
      provide: EventOutbox,
      useFactory: () => new EventOutbox(new Outbox('bench.'), { serviceName: 'metrics-service', publishes: [] }),
    },
  ],
  exports: [EventOutbox],
})
class BenchOutboxModule {}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({ useFactory: () => dataSourceOptions(metricsDatabase) }),
    DiscoveryModule,
    BenchOutboxModule,
    ReadModelsModule,
  ],
})
class BenchModule {}

interface Seeded {
  orgId: string;
  taskIds: string[];
  goalOf: Map<string, string>;
  managerOf: Map<string, string>;
}

const column = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** One organisation: units under a root, a goal tree (root → 10 → …, 100 tasks per leaf goal), a manager per leaf goal. */
async function seed(dataSource: DataSource, tasks: number): Promise<Seeded> {
  const orgId = randomUUID();
  const rootUnit = randomUUID();
  const units = Array.from({ length: UNITS }, () => randomUUID());
  const leafGoals = tasks / TASKS_PER_GOAL;
  const rootGoal = randomUUID();
  const middleGoals = Array.from({ length: Math.max(1, Math.ceil(leafGoals / GOALS_PER_PARENT)) }, () => randomUUID());
  const leaves = Array.from({ length: leafGoals }, () => randomUUID());
  const managers = leaves.map(() => randomUUID());
  const q = (sql: string, params: unknown[] = []) => dataSource.query(sql, params);
  await q(`INSERT INTO org_state (org_id, name, as_of) VALUES ($1, 'Bench', $2)`, [orgId, AS_OF]);
  await q(
    `INSERT INTO org_unit_rm (org_unit_id, org_id, name, parent_org_unit_id, version) VALUES ($1, $2, 'Root', NULL, 1)`,
    [rootUnit, orgId],
  );
  await q(
    `INSERT INTO org_unit_rm (org_unit_id, org_id, name, parent_org_unit_id, version) SELECT u, $2, 'Unit', $1, 1 FROM unnest($3::uuid[]) u`,
    [rootUnit, orgId, units],
  );
  const unitOfManager = managers.map((_, index) => units[index % UNITS]);
  await q(
    `INSERT INTO person_rm (person_id, org_id, name, role, org_unit_id, reports_to_id, active, version) SELECT m, $1, 'Manager', 'manager', u, NULL, true, 1 FROM unnest($2::uuid[], $3::uuid[]) AS t(m, u)`,
    [orgId, managers, unitOfManager],
  );
  const goalRows: Array<[string, string | null]> = [
    [rootGoal, null],
    ...middleGoals.map((goal) => [goal, rootGoal] as [string, string]),
    ...leaves.map((goal, index) => [goal, middleGoals[Math.floor(index / GOALS_PER_PARENT)]] as [string, string]),
  ];
  await q(
    `INSERT INTO goal_rm (goal_id, org_id, known, title, parent_goal_id, org_unit_id, owner_id, status, period_start, period_end, currency, budget_minor, version)
     SELECT g, $1, true, 'Goal', p, $2, $2, 'active', '2026-01-01', '2026-12-31', 'EUR', 0, 1 FROM unnest($3::uuid[], $4::uuid[]) AS t(g, p)`,
    [orgId, rootUnit, goalRows.map(([goal]) => goal), goalRows.map(([, parent]) => parent)],
  );
  const parentOf = new Map(goalRows);
  const facts = new Map<string, { scope: string; id: string; facts: FactVector }>();
  const addTo = (scope: string, id: string, delta: FactVector) => {
    const key = `${scope}:${id}`;
    facts.set(key, { scope, id, facts: addFacts(facts.get(key)?.facts ?? emptyFacts(), delta) });
  };
  const taskIds: string[] = [];
  const goalOf = new Map<string, string>();
  const managerOf = new Map<string, string>();
  const batch: {
    ids: string[];
    goals: string[];
    managers: string[];
    progress: number[];
    due: string[];
    applied: string[];
    next: (string | null)[];
    shortfall: number[];
  } = { ids: [], goals: [], managers: [], progress: [], due: [], applied: [], next: [], shortfall: [] };
  const flush = async () => {
    if (!batch.ids.length) return;
    await q(
      `INSERT INTO task_rm (task_id, org_id, known, goal_id, manager_id, title, status, progress, weight_milli, start_date, due_date, planned_cost_minor, details_version, status_version, progress_version, created_at, applied, next_change_on, schedule_shortfall)
       SELECT t, $1, true, g, m, 'Task', 'in_progress', p, 1000, '2026-01-01', d::date, 100000, 1, 1, 1, '2026-01-01T00:00:00Z', a::jsonb, n::date, s
       FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::text[], $8::text[], $9::bigint[]) AS x(t, g, m, p, d, a, n, s)`,
      [
        orgId,
        batch.ids,
        batch.goals,
        batch.managers,
        batch.progress,
        batch.due,
        batch.applied,
        batch.next,
        batch.shortfall,
      ],
    );
    for (const list of Object.values(batch)) list.length = 0;
  };
  for (let index = 0; index < tasks; index++) {
    const leaf = Math.floor(index / TASKS_PER_GOAL);
    const taskId = randomUUID();
    const goalId = leaves[leaf];
    const managerId = managers[leaf];
    const due = index % 2 === 0 ? '2026-02-15' : '2026-06-30';
    const progress = index % 100;
    const contribution = taskContribution(
      {
        known: true,
        status: 'in_progress',
        progress,
        weightMilli: 1000,
        startDate: '2026-01-01',
        dueDate: due,
        plannedCostMinor: 100_000,
        actualCostMinor: 0,
        minutes: 0,
        linked: true,
      },
      AS_OF,
    );
    taskIds.push(taskId);
    goalOf.set(taskId, goalId);
    managerOf.set(taskId, managerId);
    for (let goal: string | null | undefined = goalId; goal; goal = parentOf.get(goal))
      addTo('goal', goal, contribution.facts);
    addTo('manager', managerId, contribution.facts);
    addTo('org_unit', unitOfManager[leaf], contribution.facts);
    addTo('org_unit', rootUnit, contribution.facts);
    addTo('organisation', orgId, contribution.facts);
    batch.ids.push(taskId);
    batch.goals.push(goalId);
    batch.managers.push(managerId);
    batch.progress.push(progress);
    batch.due.push(due);
    batch.applied.push(
      JSON.stringify({
        goalId,
        managerId,
        facts: contribution.facts,
        plannedValue: contribution.plannedValue,
        earnedValueCapped: contribution.earnedValueCapped,
        earnedCost: contribution.earnedCost,
      }),
    );
    batch.next.push(contribution.nextChangeOn);
    batch.shortfall.push(contribution.scheduleShortfall);
    if (batch.ids.length === 5_000) await flush();
  }
  await flush();
  const rows = [...facts.values()];
  await q(
    `INSERT INTO scope_facts (scope, scope_id, org_id, ${FACT_KEYS.map(column).join(', ')})
     SELECT s, i, $1, ${FACT_KEYS.map((key) => `(f->>'${key}')::bigint`).join(', ')} FROM unnest($2::text[], $3::uuid[], $4::jsonb[]) AS x(s, i, f)`,
    [orgId, rows.map((row) => row.scope), rows.map((row) => row.id), rows.map((row) => JSON.stringify(row.facts))],
  );
  await dataSource.query('ANALYZE');
  return { orgId, taskIds, goalOf, managerOf };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Per update: milliseconds in-process and SQL statements sent. */
interface PathCost {
  medianMs: number;
  p90Ms: number;
  statementsPerUpdate: number;
}

interface SizeCost {
  tasks: number;
  updates: number;
  seedSeconds: number;
  /** Each update on a task touched for the first time. */
  alone: PathCost;
  queued: PathCost;
  queuedSpeedup: number;
  /** Updates on tasks already touched: the organisation's part they need is in memory. */
  held: { alone: PathCost; queued: PathCost };
}

async function measure(size: number): Promise<SizeCost> {
  const schema = `bench_metrics_${size}`;
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  process.env.DB_SCHEMA = schema;
  await runMigrations(metricsDatabase);
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  try {
    const dataSource = app.get(DataSource);
    const seedStart = performance.now();
    const seeded = await seed(dataSource, size);
    // Every scope scored once, as in steady state.
    await dataSource.transaction(async (tx) => {
      const engine = app.get(ScoringEngine);
      const run = await engine.begin(tx, seeded.orgId, new Date(`${AS_OF}T12:00:00Z`), {
        orgId: seeded.orgId,
        correlationId: 'bench-seed',
      });
      await engine.rescoreAll(run);
    });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const handlers = eventHandlersOf(app);
    const versions = new Map<string, number>();
    let sequence = 0;
    // A stride through the tasks, so that at 100,000 tasks consecutive updates land on different goals and managers.
    const taskAt = (index: number) => seeded.taskIds[(index * 7919) % seeded.taskIds.length];
    let held = false;
    const nextUpdate = () => {
      const index = sequence++;
      const taskId = taskAt(held ? index % HELD_TASKS : index);
      const version = (versions.get(taskId) ?? 1) + 1;
      versions.set(taskId, version);
      const { envelope } = createEvent(
        TaskProgressReportedV1,
        {
          taskId,
          goalId: seeded.goalOf.get(taskId)!,
          managerId: seeded.managerOf.get(taskId)!,
          progress: (index * 37) % 101,
          note: null,
          reportedBy: seeded.managerOf.get(taskId)!,
          reportedAt: `${AS_OF}T12:00:00.000Z`,
          taskVersion: version,
        },
        {
          source: '/bench',
          orgId: seeded.orgId,
          correlationId: `bench-${index}`,
          time: new Date(`${AS_OF}T12:00:00Z`),
        },
      );
      return { event: envelope, handlers: handlers.get(envelope.type) ?? [], offset: String(index) };
    };
    /** Updates applied `together` per transaction, as the consumer does when that many are queued. */
    const run = async (together: number): Promise<PathCost> => {
      const durations: number[] = [];
      let statements = 0;
      for (let applied = 0; applied < WARM_UP + UPDATES; applied += together) {
        const deliveries = Array.from({ length: together }, nextUpdate);
        const before = statementCount();
        const started = performance.now();
        const outcomes = await applyEventsOnce(dataSource, 'bench-metrics', 'bench.tasks', 0, deliveries);
        const elapsed = performance.now() - started;
        if (outcomes.some((outcome) => outcome !== 'processed')) throw new Error(`updates were ${outcomes.join(', ')}`);
        if (applied >= WARM_UP) {
          durations.push(elapsed / together);
          statements += statementCount() - before;
        }
      }
      const sorted = [...durations].sort((a, b) => a - b);
      return {
        medianMs: round(median(durations)),
        p90Ms: round(sorted[Math.floor(sorted.length * 0.9)]),
        statementsPerUpdate: round(statements / (durations.length * together)),
      };
    };
    const alone = await run(1);
    const queued = await run(QUEUED);
    held = true;
    const heldAlone = await run(1);
    const heldQueued = await run(QUEUED);
    return {
      tasks: size,
      updates: UPDATES,
      seedSeconds: round(seedSeconds),
      alone,
      queued,
      queuedSpeedup: round(alone.medianMs / queued.medianMs),
      held: { alone: heldAlone, queued: heldQueued },
    };
  } finally {
    await app.close();
  }
}

/** Counts statements sent (every pg client's, prepared ones too), to show the work per update does not grow with the organisation. */
let statementTotal = 0;
let counting = false;
function statementCount(): number {
  if (!counting) {
    counting = true;
    const query = Client.prototype.query;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      statementTotal++;
      return (query as (...args: unknown[]) => unknown).apply(this, args);
    } as typeof Client.prototype.query;
  }
  return statementTotal;
}

const round = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  let stop: (() => Promise<void>) | undefined;
  if (!process.env.DATABASE_URL) {
    const postgres = await startLocalPostgres({ database: 'throughline_bench' });
    process.env.DATABASE_URL = postgres.url;
    stop = () => postgres.stop();
  }
  try {
    const results = [];
    for (const size of SIZES) {
      const result = await measure(size);
      const line = (label: string, cost: PathCost) =>
        `${label} median ${cost.medianMs} ms per task update (p90 ${cost.p90Ms} ms, ${cost.statementsPerUpdate} SQL statements)`;
      console.log(
        `${size.toLocaleString('en')} tasks (seeded in ${result.seedSeconds} s), first touch: ${line('one per transaction', result.alone)}; ${line(`${QUEUED} per transaction`, result.queued)}; ${result.queuedSpeedup}× faster queued`,
      );
      console.log(
        `${size.toLocaleString('en')} tasks, held: ${line('one per transaction', result.held.alone)}; ${line(`${QUEUED} per transaction`, result.held.queued)}`,
      );
      results.push(result);
    }
    const ratio = round(results[1].held.alone.medianMs / results[0].held.alone.medianMs);
    const firstTouchRatio = round(results[1].alone.medianMs / results[0].alone.medianMs);
    console.log(`ratio (100,000 / 1,000), one update alone: held ${ratio}, first touch ${firstTouchRatio}`);
    const report = {
      measuredAt: new Date().toISOString(),
      command: 'npm run bench:metrics-update-cost',
      updatesPerSize: UPDATES,
      updatesPerQueuedTransaction: QUEUED,
      results,
      medianRatio: ratio,
      firstTouchMedianRatio: firstTouchRatio,
    };
    mkdirSync(join(__dirname, '../docs/benchmarks'), { recursive: true });
    writeFileSync(
      join(__dirname, '../docs/benchmarks/metrics-update-cost.json'),
      JSON.stringify(report, null, 2) + '\n',
    );
  } finally {
    await stop?.();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
