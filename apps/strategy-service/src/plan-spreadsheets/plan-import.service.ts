import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { envSlice } from '@throughline/config';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  DomainError,
  invalid,
  fieldProblems,
  httpEnvSchema,
  readSpreadsheet,
  SpreadsheetFormat,
} from '@throughline/service-kit';
import { AccessPolicy } from '../access/access-policy';
import { BudgetsService } from '../goals/budgets/budgets.service';
import { ReviseBudgetDto } from '../goals/budgets/dto/budget.dto';
import { CreateDeliverableDto } from '../goals/deliverables/dto/deliverable.dto';
import { DeliverablesService } from '../goals/deliverables/deliverables.service';
import { CreateGoalDto } from '../goals/dto/goal.dto';
import { Goal } from '../goals/goal.entity';
import { GoalsService } from '../goals/goals.service';
import { CreateKeyResultDto } from '../goals/key-results/dto/key-result.dto';
import { KeyResultsService } from '../goals/key-results/key-results.service';
import { PlanImportView } from './dto/plan-import.dto';
import { parsePlanRows, PLAN_COLUMNS, RowProblem, toMinor } from './plan-sheet';

/** Where a DTO field's mistake shows in the sheet. */
const COLUMN_OF_FIELD: Record<string, string> = {
  title: 'title',
  name: 'title',
  description: 'description',
  ownerId: 'owner_email',
  orgUnitId: 'org_unit',
  parentGoalId: 'parent_goal_ref',
  periodStart: 'period_start',
  periodEnd: 'period_end',
  weight: 'weight',
  'budget.currency': 'currency',
  'budget.amountMinor': 'amount',
  budget: 'amount',
  category: 'category',
  unit: 'unit',
  baseline: 'baseline',
  target: 'target',
  direction: 'direction',
  managerId: 'manager_email',
  dueDate: 'due_date',
  budgetMinor: 'amount',
  totalMinor: 'amount',
};

interface Directory {
  people: Map<string, string>;
  units: Map<string, string[]>;
}

/**
 * Imports a plan spreadsheet through the same service methods as the API (same rules, same
 * events), all rows in one transaction: a dry run rolls it back and reports; a commit keeps
 * it only if every row went through, so an import is never partial. The file's SHA-256 makes
 * a repeated commit of the same file a no-op that answers the first result.
 */
@Injectable()
export class PlanImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessPolicy,
    private readonly goals: GoalsService,
    private readonly keyResults: KeyResultsService,
    private readonly deliverables: DeliverablesService,
    private readonly budgets: BudgetsService,
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
    let result: PlanImportView;
    try {
      result = await this.attempt(actor, rows, contentSha256, dryRun, correlationId, 'fast');
    } catch (error) {
      if (!(error instanceof RowRefused)) throw error;
      result = await this.attempt(actor, rows, contentSha256, dryRun, correlationId, 'row by row');
    }
    if (!result.valid && !dryRun) {
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
   * One pass over the rows in one transaction, rolled back for a dry run or when a row is
   * refused. The fast pass runs the rows without savepoints (two statements a row fewer) and
   * gives up at the first row a service refuses; the row-by-row pass then isolates each row in
   * a savepoint so that it can report every refused row, not just the first.
   */
  private async attempt(
    actor: Actor,
    rows: SheetRows,
    contentSha256: string,
    dryRun: boolean,
    correlationId: string,
    mode: PassMode,
  ): Promise<PlanImportView> {
    const outcome = new RollbackSignal();
    let result: PlanImportView | undefined;
    try {
      await this.dataSource.transaction(async (tx) => {
        if (!dryRun) {
          // The unique key waits for a concurrent commit of the same file, then finds it.
          const claimed = await tx.query(
            `INSERT INTO plan_import (org_id, content_sha256, imported_by) VALUES ($1, $2, $3)
             ON CONFLICT (org_id, content_sha256) DO NOTHING RETURNING id`,
            [actor.orgId, contentSha256, actor.personId],
          );
          if (!claimed.length) {
            result = { ...(await this.previousImport(actor.orgId, contentSha256, tx))!, dryRun, alreadyImported: true };
            return;
          }
        }
        result = await this.apply(tx, actor, rows, dryRun, correlationId, mode);
        if (dryRun || !result.valid) throw outcome;
        await tx.query(`UPDATE plan_import SET result = $3 WHERE org_id = $1 AND content_sha256 = $2`, [
          actor.orgId,
          contentSha256,
          JSON.stringify(result),
        ]);
      });
    } catch (error) {
      if (error !== outcome) throw error;
    }
    return result!;
  }

  private async apply(
    tx: EntityManager,
    actor: Actor,
    rows: SheetRows,
    dryRun: boolean,
    correlationId: string,
    mode: PassMode,
  ): Promise<PlanImportView> {
    const step = <T>(row: number, work: () => Promise<T>) => this.step(tx, mode, row, problems, work);
    const plan = parsePlanRows(rows);
    const problems: RowProblem[] = [...plan.problems];
    const directory = await this.directory(tx, actor.orgId);
    const person = (email: string, column: string, row: number) => {
      const id = directory.people.get(email);
      if (!id) problems.push({ row, column, message: `no active person has the email ${email}` });
      return id;
    };
    const unit = (name: string, column: string, row: number) => {
      const ids = directory.units.get(name.toLowerCase()) ?? [];
      if (ids.length !== 1)
        problems.push({
          row,
          column,
          message: ids.length ? `several org units are named "${name}": rename one` : `no org unit is named "${name}"`,
        });
      return ids.length === 1 ? ids[0] : undefined;
    };
    const created = { goals: 0, keyResults: 0, deliverables: 0, budgetRevisions: 0, activatedGoals: 0 };
    const goalsByRef = new Map<string, { id: string; title: string; currency: string; budgetMinor: number }>();
    const goalRows = new Map(plan.goals.map((goal) => [goal.ref, goal.row]));
    const missingGoal = (ref: string, row: number) => {
      problems.push({
        row,
        column: 'goal_ref',
        message: `goal "${ref}" (row ${goalRows.get(ref)}) was not created: fix that row first`,
      });
    };

    for (const goal of plan.goals) {
      const ownerId = person(goal.ownerEmail, 'owner_email', goal.row);
      const orgUnitId = unit(goal.orgUnitName, 'org_unit', goal.row);
      const parent = goal.parentRef ? goalsByRef.get(goal.parentRef) : undefined;
      if (goal.parentRef && !parent) missingGoal(goal.parentRef, goal.row);
      if (!ownerId || !orgUnitId || (goal.parentRef && !parent)) continue;
      const input = await this.validated(CreateGoalDto, goal.row, problems, {
        title: goal.title,
        ...(goal.description ? { description: goal.description } : {}),
        ownerId,
        orgUnitId,
        ...(parent ? { parentGoalId: parent.id } : {}),
        periodStart: goal.periodStart,
        periodEnd: goal.periodEnd,
        ...(goal.weight !== undefined ? { weight: goal.weight } : {}),
        budget: { currency: goal.currency, amountMinor: goal.amountMinor },
      });
      if (!input) continue;
      const view = await step(goal.row, () => this.goals.create(actor, input, correlationId, tx));
      if (!view) continue;
      goalsByRef.set(goal.ref, {
        id: view.id,
        title: view.title,
        currency: goal.currency,
        budgetMinor: goal.amountMinor,
      });
      created.goals++;
    }

    for (const keyResult of plan.keyResults) {
      const goal = goalsByRef.get(keyResult.goalRef);
      if (!goal) {
        missingGoal(keyResult.goalRef, keyResult.row);
        continue;
      }
      const input = await this.validated(CreateKeyResultDto, keyResult.row, problems, {
        name: keyResult.name,
        category: keyResult.category,
        unit: keyResult.unit,
        baseline: keyResult.baseline,
        target: keyResult.target,
        direction: keyResult.direction,
        ...(keyResult.weight !== undefined ? { weight: keyResult.weight } : {}),
      });
      if (input && (await step(keyResult.row, () => this.keyResults.add(actor, goal.id, input, correlationId, tx))))
        created.keyResults++;
    }

    for (const deliverable of plan.deliverables) {
      const goal = goalsByRef.get(deliverable.goalRef);
      if (!goal) {
        missingGoal(deliverable.goalRef, deliverable.row);
        continue;
      }
      const managerId = person(deliverable.managerEmail, 'manager_email', deliverable.row);
      const budgetMinor = toMinor(deliverable.amount, goal.currency, 'amount', deliverable.row, problems);
      if (!managerId || budgetMinor === null) continue;
      const input = await this.validated(CreateDeliverableDto, deliverable.row, problems, {
        title: deliverable.title,
        managerId,
        dueDate: deliverable.dueDate,
        ...(deliverable.weight !== undefined ? { weight: deliverable.weight } : {}),
        budgetMinor,
      });
      if (input && (await step(deliverable.row, () => this.deliverables.add(actor, goal.id, input, correlationId, tx))))
        created.deliverables++;
    }

    const allocationsByGoal = new Map<string, typeof plan.allocations>();
    for (const allocation of plan.allocations)
      allocationsByGoal.set(allocation.goalRef, [...(allocationsByGoal.get(allocation.goalRef) ?? []), allocation]);
    for (const [ref, allocations] of allocationsByGoal) {
      const goal = goalsByRef.get(ref);
      const row = allocations[0].row;
      if (!goal) {
        for (const allocation of allocations) missingGoal(ref, allocation.row);
        continue;
      }
      const resolved = allocations.map((allocation) => ({
        managerId: allocation.managerEmail
          ? person(allocation.managerEmail, 'manager_email', allocation.row)
          : undefined,
        orgUnitId: allocation.orgUnitName ? unit(allocation.orgUnitName, 'org_unit', allocation.row) : undefined,
        amountMinor: toMinor(allocation.amount, goal.currency, 'amount', allocation.row, problems),
        named: Boolean(allocation.managerEmail ? allocation.managerEmail : allocation.orgUnitName),
      }));
      if (
        resolved.some(
          (allocation) => !(allocation.managerId || allocation.orgUnitId) || allocation.amountMinor === null,
        )
      )
        continue;
      const input = await this.validated(ReviseBudgetDto, row, problems, {
        totalMinor: goal.budgetMinor,
        allocations: resolved.map(({ managerId, orgUnitId, amountMinor }) => ({
          ...(managerId ? { managerId } : { orgUnitId }),
          amountMinor,
        })),
        reason: 'Allocated by spreadsheet import',
      });
      if (input && (await step(row, () => this.budgets.revise(actor, goal.id, input, 1, correlationId, tx))))
        created.budgetRevisions++;
    }

    for (const goal of plan.goals.filter((entry) => entry.status === 'active')) {
      const made = goalsByRef.get(goal.ref);
      if (!made) continue;
      const activated = await step(goal.row, async () => {
        const { version } = await tx.findOneOrFail(Goal, {
          where: { id: made.id },
          select: { id: true, version: true },
        });
        return this.goals.activate(actor, made.id, version, correlationId, tx);
      });
      if (activated) created.activatedGoals++;
    }

    problems.sort((a, b) => a.row - b.row);
    return {
      dryRun,
      valid: problems.length === 0,
      alreadyImported: false,
      rows: rows.length,
      created,
      goals: [...goalsByRef].map(([ref, goal]) => ({ ref, id: goal.id, title: goal.title })),
      errors: problems,
    };
  }

  /** The same DTO rules as the API body; mistakes are put on the row, by column. */
  private async validated<T extends object>(
    type: new () => T,
    row: number,
    problems: RowProblem[],
    plain: Record<string, unknown>,
  ): Promise<T | null> {
    const input = plainToInstance(type, plain);
    const errors = await validate(input, { whitelist: true, forbidNonWhitelisted: true });
    if (!errors.length) return input;
    for (const problem of fieldProblems(errors))
      problems.push({ row, column: COLUMN_OF_FIELD[problem.field] ?? null, message: problem.message });
    return null;
  }

  /**
   * One row's change through the service. Row by row, inside a savepoint: a refused row leaves
   * nothing behind and the others go on. Fast, without one: a refused row ends the pass.
   */
  private async step<T>(
    tx: EntityManager,
    mode: PassMode,
    row: number,
    problems: RowProblem[],
    work: () => Promise<T>,
  ): Promise<T | null> {
    if (mode === 'fast') {
      try {
        return await work();
      } catch (error) {
        throw error instanceof DomainError ? new RowRefused() : error;
      }
    }
    await tx.query('SAVEPOINT plan_row');
    try {
      const result = await work();
      await tx.query('RELEASE SAVEPOINT plan_row');
      return result;
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT plan_row');
      if (!(error instanceof DomainError)) throw error;
      const field = error.fields[0]?.field;
      problems.push({ row, column: field ? (COLUMN_OF_FIELD[field] ?? null) : null, message: error.message });
      return null;
    }
  }

  private async directory(tx: EntityManager, orgId: string): Promise<Directory> {
    const [people, units]: [Array<{ id: string; email: string }>, Array<{ id: string; name: string }>] =
      await Promise.all([
        tx.query(`SELECT id, lower(email) AS email FROM person WHERE org_id = $1 AND active`, [orgId]),
        tx.query(`SELECT id, name FROM org_unit WHERE org_id = $1`, [orgId]),
      ]);
    const byName = new Map<string, string[]>();
    for (const unit of units)
      byName.set(unit.name.toLowerCase(), [...(byName.get(unit.name.toLowerCase()) ?? []), unit.id]);
    return { people: new Map(people.map((person) => [person.email, person.id])), units: byName };
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

type SheetRows = Awaited<ReturnType<typeof readSpreadsheet>>;
type PassMode = 'fast' | 'row by row';

/** Thrown to end a dry run's (or a failed commit's) transaction with a rollback. */
class RollbackSignal extends Error {}

/** The fast pass met a row a service refused: its transaction is rolled back for the row-by-row pass. */
class RowRefused extends Error {}
