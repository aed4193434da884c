/**
 * How fast a director's plan comes in from a spreadsheet: a CSV of 10,000 rows (1,000 goals, each
 * with three key results, five deliverables and a budget allocation) through the strategy
 * service's dry run, then the commit, then the same file again (found imported, nothing done).
 *   npx tsx bench/plan-import.ts [--rows 1000]
 * 10,000 rows by default, the size issue 18 sets a target for (≤ 30 s); the quick run skips it.
 */
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { Actor, mintDevToken } from '@throughline/service-kit';
import { setUpOrganisation } from '@throughline/testing';
import { PLAN_COLUMNS, PlanColumn } from '../apps/strategy-service/src/plan-spreadsheets/plan-sheet';
import { countingEnv, statementCounter } from './lib/pg-count';
import { BenchContext, runStandalone } from './lib/scenario';
import { nowMs, round } from './lib/stats';

function planCsv(goals: number, director: string, manager: string, unit: string): Buffer {
  const rows: Array<Partial<Record<PlanColumn, string>>> = [];
  for (let goal = 0; goal < goals; goal++) {
    const ref = `G${goal}`;
    rows.push({
      kind: 'goal',
      goal_ref: ref,
      title: `Plan goal ${goal}`,
      owner_email: director,
      org_unit: unit,
      period_start: '2027-01-01',
      period_end: '2027-12-31',
      currency: 'EUR',
      amount: '100000',
    });
    for (let kr = 0; kr < 3; kr++)
      rows.push({
        kind: 'key_result',
        goal_ref: ref,
        title: `Measure ${goal}.${kr}`,
        category: 'growth',
        unit: '%',
        baseline: '0',
        target: '100',
        direction: 'increase',
      });
    for (let deliverable = 0; deliverable < 5; deliverable++)
      rows.push({
        kind: 'deliverable',
        goal_ref: ref,
        title: `Work package ${goal}.${deliverable}`,
        amount: '10000',
        manager_email: manager,
        due_date: '2027-06-30',
      });
    rows.push({ kind: 'budget_allocation', goal_ref: ref, amount: '100000', manager_email: manager });
  }
  return Buffer.from(
    Papa.unparse({ fields: [...PLAN_COLUMNS], data: rows.map((row) => PLAN_COLUMNS.map((c) => row[c] ?? '')) }),
  );
}

/** POSTs a file and waits as long as the import takes (fetch gives up on headers after 300 s). */
function post(url: string, token: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

/**
 * The statements the strategy service sends to PostgreSQL, counted in the service (restarted with
 * bench/lib/pg-count-preload.js): a figure the machine's load does not blur, unlike the seconds.
 */
async function countStatements(context: BenchContext): Promise<(() => Promise<number>) | undefined> {
  if (!context.system.managed) return undefined;
  const file = join(mkdtempSync(join(tmpdir(), 'throughline-bench-pg-')), 'statements.json');
  await context.system.restart('strategy-service', countingEnv(file));
  const count = statementCounter(file, 'the strategy service');
  return async () => (await count()).statements;
}

export async function planImport(context: BenchContext) {
  if (context.quick) return { skipped: 'not in --quick (it imports 10,000 rows)' };
  const statements = await countStatements(context);
  const strategy = context.system.url('strategy-service');
  const asked = process.argv.indexOf('--rows');
  const goals = Math.max(1, Math.round((asked > 0 ? Number(process.argv[asked + 1]) : 10_000) / 10));
  // The company unit is named after the organisation.
  const unit = 'Spreadsheet Planning Ltd';
  const org = await setUpOrganisation(strategy, unit);
  const director = await org.addPerson('director', { email: 'planner@bench.example', orgUnitId: org.companyUnitId });
  await org.addPerson('manager', { email: 'maker@bench.example', reportsToId: director.id });
  const file = planCsv(goals, 'planner@bench.example', 'maker@bench.example', unit);
  const actor: Actor = { personId: director.id, orgId: org.orgId, role: 'director' };
  const token = await mintDevToken(actor);
  const send = async (query: string) => {
    const before = await statements?.();
    const started = nowMs();
    const response = await post(`${strategy}/v1/plan/imports${query}`, token, file);
    const seconds = (nowMs() - started) / 1000;
    if (response.status >= 300)
      throw new Error(`plan import answered ${response.status}: ${response.text.slice(0, 400)}`);
    const after = await statements?.();
    return { seconds, statements: before === undefined ? undefined : after! - before };
  };
  const rows = goals * 10;
  const dryRun = await send('?dryRun=true');
  context.log(`plan import: dry run of ${rows} rows in ${round(dryRun.seconds, 2)} s`);
  const commit = await send('');
  context.log(`plan import: commit of ${rows} rows in ${round(commit.seconds, 2)} s`);
  const again = await send('');
  const result = {
    rows,
    fileKb: round(file.length / 1024, 0),
    dryRunSeconds: round(dryRun.seconds, 2),
    commitSeconds: round(commit.seconds, 2),
    rowsPerSecond: round(rows / commit.seconds, 0),
    /** Sent to PostgreSQL by the strategy service while the commit ran (its outbox relay's included). */
    commitStatements: commit.statements ?? null,
    dryRunStatements: dryRun.statements ?? null,
    commitStatementsPerRow: commit.statements === undefined ? null : round(commit.statements / rows, 3),
    dryRunStatementsPerRow: dryRun.statements === undefined ? null : round(dryRun.statements / rows, 3),
    sameFileAgainSeconds: round(again.seconds, 2),
  };
  context.log(
    `plan import: ${rows} rows — dry run ${result.dryRunSeconds} s, commit ${result.commitSeconds} s (${result.rowsPerSecond} rows/s, ${result.commitStatements} SQL statements; the dry run ${result.dryRunStatements}), the same file again ${result.sameFileAgainSeconds} s`,
  );
  return result;
}

if (require.main === module) runStandalone('planImport', planImport);
