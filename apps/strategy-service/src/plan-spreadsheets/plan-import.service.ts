import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { envSlice } from '@throughline/config';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import {
  BudgetRevisedV1,
  DeliverableAddedV1,
  GoalActivatedV1,
  GoalCreatedV1,
  KeyResultAddedV1,
} from '@throughline/contracts';
import { EventContext, EventOutbox } from '@throughline/messaging';
import {
  Actor,
  actedBy,
  httpEnvSchema,
  invalid,
  readSpreadsheet,
  Role,
  SpreadsheetFormat,
} from '@throughline/service-kit';
import { AccessPolicy, reportingLines } from '../access/access-policy';
import { BudgetRevision } from '../goals/budgets/budget-revision.entity';
import { Deliverable } from '../goals/deliverables/deliverable.entity';
import { Goal } from '../goals/goal.entity';
import { KeyResult } from '../goals/key-results/key-result.entity';
import { PlanImportView } from './dto/plan-import.dto';
import { PlanChanges, planChanges, PlanDirectory } from './plan-changes';
import { parsePlanRows, PLAN_COLUMNS } from './plan-sheet';

/** PostgreSQL's limit of parameters in one statement. */
const MAX_PARAMETERS = 65_535;

/**
 * Imports a plan spreadsheet by the API's rules, run in memory against the organisation's
 * directory read once (plan-changes.ts), then written set-based: one statement per table (per
 * chunk of rows) and one per kind of event, the events in the order the API would publish them.
 * A dry run only reports; a commit writes everything in one transaction or nothing. The file's
 * SHA-256 makes a repeated commit of the same file a no-op that answers the first result.
 */
@Injectable()
export class PlanImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessPolicy,
    private readonly outbox: EventOutbox,
    private readonly config: ConfigService,
  ) {}

  async import(
    actor: Actor,
    file: Buffer,
    format: SpreadsheetFormat,
    dryRun: boolean,
    correlationId: string,
  ): Promise<PlanImportView> {
    this.access.assertRole(actor, ['director'], 'import plans');
    const { IMPORT_MAX_ROWS } = envSlice(httpEnvSchema, this.config);
    const rows = await readSpreadsheet(file, format, { columns: PLAN_COLUMNS, maxRows: IMPORT_MAX_ROWS });
    if (!rows.length) throw invalid('The file has no data rows: fill in the template below its header.');
    const contentSha256 = createHash('sha256').update(file).digest('hex');
    const previous = await this.previousImport(actor.orgId, contentSha256);
    if (previous) return { ...previous, dryRun, alreadyImported: true };
    const plan = parsePlanRows(rows);
    if (dryRun)
      return view(
        rows.length,
        await planChanges(actor, plan, await directory(this.dataSource.manager, actor.orgId)),
        true,
      );
    const result = await this.dataSource
      .transaction(async (tx): Promise<PlanImportView> => {
        // The unique key waits for a concurrent commit of the same file, then finds it.
        const claimed = await tx.query(
          `INSERT INTO plan_import (org_id, content_sha256, imported_by) VALUES ($1, $2, $3)
           ON CONFLICT (org_id, content_sha256) DO NOTHING RETURNING id`,
          [actor.orgId, contentSha256, actor.personId],
        );
        if (!claimed.length)
          return { ...(await this.previousImport(actor.orgId, contentSha256, tx))!, dryRun, alreadyImported: true };
        const changes = await planChanges(actor, plan, await directory(tx, actor.orgId));
        const done = view(rows.length, changes, false);
        // A refused row: the claim is rolled back with everything else.
        if (!done.valid) throw new Refused(done);
        await this.write(tx, changes, actedBy(actor, correlationId));
        await tx.query(`UPDATE plan_import SET result = $3 WHERE org_id = $1 AND content_sha256 = $2`, [
          actor.orgId,
          contentSha256,
          JSON.stringify(done),
        ]);
        return done;
      })
      .catch((error: unknown) => {
        if (error instanceof Refused) return error.result;
        throw error;
      });
    if (!result.valid) {
      throw invalid(
        `${result.errors.length} problem(s) in the file, nothing was imported: fix the rows named in errors (a dry run, ?dryRun=true, lists them without committing).`,
        result.errors.map((problem) => ({
          field: `row ${problem.row}${problem.column ? ` ${problem.column}` : ''}`,
          message: problem.message,
        })),
      );
    }
    return result;
  }

  /**
   * Tables first (goals before the rows that point at them), then the events and their audit
   * entries kind by kind: for each goal, the same events in the same order as the API calls the
   * rows stand for (created, key results, deliverables, budget revised, activated).
   */
  private async write(tx: EntityManager, changes: PlanChanges, context: EventContext): Promise<void> {
    await insertAll(tx, Goal, changes.goals);
    await insertAll(tx, BudgetRevision, changes.budgetRevisions);
    await insertAll(tx, KeyResult, changes.keyResults);
    await insertAll(tx, Deliverable, changes.deliverables);
    const { events } = changes;
    await this.outbox.publishAll(tx, GoalCreatedV1, events.goalCreated, context);
    await this.outbox.publishAll(tx, KeyResultAddedV1, events.keyResultAdded, context);
    await this.outbox.publishAll(tx, DeliverableAddedV1, events.deliverableAdded, context);
    await this.outbox.publishAll(tx, BudgetRevisedV1, events.budgetRevised, context);
    await this.outbox.publishAll(tx, GoalActivatedV1, events.goalActivated, context);
  }

  private async previousImport(
    orgId: string,
    contentSha256: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PlanImportView | null> {
    const [found] = await manager.query(
      `SELECT result FROM plan_import WHERE org_id = $1 AND content_sha256 = $2 AND result IS NOT NULL`,
      [orgId, contentSha256],
    );
    return found ? (found.result as PlanImportView) : null;
  }
}

function view(rows: number, changes: PlanChanges, dryRun: boolean): PlanImportView {
  return {
    dryRun,
    valid: changes.problems.length === 0,
    alreadyImported: false,
    rows,
    created: changes.created,
    goals: changes.goalRefs,
    errors: changes.problems,
  };
}

/** Active people, units and reporting lines of the organisation, read once for the whole file. */
async function directory(manager: EntityManager, orgId: string): Promise<PlanDirectory> {
  // One after another: in a transaction they share one connection.
  const people: Array<{ id: string; email: string; name: string; role: Role }> = await manager.query(
    `SELECT id, lower(email) AS email, name, role FROM person WHERE org_id = $1 AND active`,
    [orgId],
  );
  const units: Array<{ id: string; name: string }> = await manager.query(
    `SELECT id, name FROM org_unit WHERE org_id = $1`,
    [orgId],
  );
  const lines = await reportingLines(manager, orgId);
  const byName = new Map<string, string[]>();
  for (const unit of units)
    byName.set(unit.name.toLowerCase(), [...(byName.get(unit.name.toLowerCase()) ?? []), unit.id]);
  return {
    emails: new Map(people.map((person) => [person.email, person.id])),
    people: new Map(people.map(({ id, name, role }) => [id, { name, role, active: true }])),
    units: byName,
    lines,
  };
}

/** Rows of one table in as few multi-row INSERTs as PostgreSQL's parameter limit allows. */
async function insertAll<T extends ObjectLiteral>(
  tx: EntityManager,
  entity: EntityTarget<T>,
  rows: T[],
): Promise<void> {
  const perStatement = Math.floor(MAX_PARAMETERS / tx.connection.getMetadata(entity).columns.length);
  for (let start = 0; start < rows.length; start += perStatement)
    await tx
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values(rows.slice(start, start + perStatement))
      .updateEntity(false)
      .execute();
}

/** Ends a commit's transaction when a row is refused, carrying the report out of it. */
class Refused extends Error {
  constructor(readonly result: PlanImportView) {
    super('the plan has refused rows');
  }
}
