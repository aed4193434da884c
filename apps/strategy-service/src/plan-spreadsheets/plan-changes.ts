import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Actor, DomainError, fieldProblems, ReportingLines } from '@throughline/service-kit';
import { assertMayChangeGoal, assertMayDirectUnit, goalAccess } from '../access/access.rules';
import {
  assertSharesWithinTotal,
  assertValidRevision,
  budgetAllocations,
  sumMinor,
} from '../goals/budgets/budget.rules';
import { BudgetRevision } from '../goals/budgets/budget-revision.entity';
import { ReviseBudgetDto } from '../goals/budgets/dto/budget.dto';
import { Deliverable } from '../goals/deliverables/deliverable.entity';
import { CreateDeliverableDto } from '../goals/deliverables/dto/deliverable.dto';
import { CreateGoalDto } from '../goals/dto/goal.dto';
import { initialRevision, newDeliverable, newGoal, newKeyResult, reviseBudget } from '../goals/goal-changes';
import {
  budgetRevisedPayload,
  deliverablePayload,
  goalActivatedPayload,
  goalSnapshot,
  keyResultSnapshot,
} from '../goals/goal-events';
import {
  activate,
  assertDueWithinPeriod,
  assertGoalOpen,
  assertParentTakes,
  assertPeriod,
} from '../goals/goal-lifecycle';
import { Goal } from '../goals/goal.entity';
import { CreateKeyResultDto } from '../goals/key-results/dto/key-result.dto';
import { assertTargetMatchesDirection } from '../goals/key-results/key-result.rules';
import { KeyResult } from '../goals/key-results/key-result.entity';
import { assertPersonFits, PersonFacts } from '../organisation/directory.rules';
import { ParsedPlan, RowProblem, toMinor } from './plan-sheet';

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

/** The organisation as the import sees it, read once: active people, units by name, reporting lines. */
export interface PlanDirectory {
  /** Active people by lower-case email. */
  emails: Map<string, string>;
  people: Map<string, PersonFacts>;
  /** Unit ids by lower-case name (a name may be used twice). */
  units: Map<string, string[]>;
  lines: ReportingLines;
}

export interface PlanCounts {
  goals: number;
  keyResults: number;
  deliverables: number;
  budgetRevisions: number;
  activatedGoals: number;
}

/**
 * What a plan file changes, decided in memory: each table's new rows (goals in their final
 * state) and each kind of event in the order the API would publish them for the same rows.
 */
export interface PlanChanges {
  problems: RowProblem[];
  created: PlanCounts;
  goalRefs: Array<{ ref: string; id: string; title: string }>;
  goals: Goal[];
  budgetRevisions: BudgetRevision[];
  keyResults: KeyResult[];
  deliverables: Deliverable[];
  events: {
    goalCreated: Array<ReturnType<typeof goalSnapshot>>;
    keyResultAdded: Array<ReturnType<typeof keyResultSnapshot>>;
    deliverableAdded: Array<ReturnType<typeof deliverablePayload>>;
    budgetRevised: Array<ReturnType<typeof budgetRevisedPayload>>;
    goalActivated: Array<ReturnType<typeof goalActivatedPayload>>;
  };
}

/**
 * Runs a parsed plan through the API's rules against the directory, row by row, as if each row
 * were its API request (create goal, add key result, add deliverable, revise budget, activate)
 * in file order: the DTO rules of the request body, then the checks the service makes, the same
 * functions the services call. A refused row is reported in words with its column and leaves
 * nothing behind; the rows that depend on it are reported too. Nothing is written here.
 */
export async function planChanges(actor: Actor, plan: ParsedPlan, directory: PlanDirectory): Promise<PlanChanges> {
  const problems: RowProblem[] = [...plan.problems];
  const changes: PlanChanges = {
    problems,
    created: { goals: 0, keyResults: 0, deliverables: 0, budgetRevisions: 0, activatedGoals: 0 },
    goalRefs: [],
    goals: [],
    budgetRevisions: [],
    keyResults: [],
    deliverables: [],
    events: { goalCreated: [], keyResultAdded: [], deliverableAdded: [], budgetRevised: [], goalActivated: [] },
  };
  const { created, events } = changes;
  const now = new Date();
  const person = (email: string, column: string, row: number) => {
    const id = directory.emails.get(email);
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
  const personFacts = (id: string) => directory.people.get(id) ?? null;
  /** One row's request: a rule it breaks is put on the row, by column, and the row changes nothing. */
  const request = <T>(row: number, work: () => T): T | null => {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const field = error.fields[0]?.field;
      problems.push({ row, column: field ? (COLUMN_OF_FIELD[field] ?? null) : null, message: error.message });
      return null;
    }
  };
  const goalsByRef = new Map<string, Goal>();
  const deliverablesOf = new Map<string, Deliverable[]>();
  /** lockGoal's access check, on the goal as this import has made it so far. */
  const assertMayChange = (goal: Goal) =>
    assertMayChangeGoal(
      actor,
      goalAccess(actor, directory.lines, {
        orgUnitId: goal.orgUnitId,
        ownerId: goal.ownerId,
        deliverableManagerIds: (deliverablesOf.get(goal.id) ?? []).map((deliverable) => deliverable.managerId),
      }),
      goal.id,
    );
  /** A save of the goal row moves its version on, as TypeORM's @VersionColumn does for the API. */
  const saved = (goal: Goal) => {
    goal.version += 1;
    goal.updatedAt = now;
  };
  const goalRows = new Map(plan.goals.map((goal) => [goal.ref, goal.row]));
  const missingGoal = (ref: string, row: number) => {
    problems.push({
      row,
      column: 'goal_ref',
      message: `goal "${ref}" (row ${goalRows.get(ref)}) was not created: fix that row first`,
    });
  };

  for (const entry of plan.goals) {
    const ownerId = person(entry.ownerEmail, 'owner_email', entry.row);
    const orgUnitId = unit(entry.orgUnitName, 'org_unit', entry.row);
    const parent = entry.parentRef ? goalsByRef.get(entry.parentRef) : undefined;
    if (entry.parentRef && !parent) missingGoal(entry.parentRef, entry.row);
    if (!ownerId || !orgUnitId || (entry.parentRef && !parent)) continue;
    const input = await validated(CreateGoalDto, entry.row, problems, {
      title: entry.title,
      ...(entry.description ? { description: entry.description } : {}),
      ownerId,
      orgUnitId,
      ...(parent ? { parentGoalId: parent.id } : {}),
      periodStart: entry.periodStart,
      periodEnd: entry.periodEnd,
      ...(entry.weight !== undefined ? { weight: entry.weight } : {}),
      budget: { currency: entry.currency, amountMinor: entry.amountMinor },
    });
    if (!input) continue;
    // GoalsService.create; the unit was found by name in this organisation, which is all requireOrgUnit asks.
    const goal = request(entry.row, () => {
      assertPeriod(input.periodStart, input.periodEnd);
      assertPersonFits(personFacts(input.ownerId), input.ownerId, 'ownerId', 'director');
      assertMayDirectUnit(actor, directory.lines, input.orgUnitId);
      if (input.parentGoalId) assertParentTakes(parent ?? null, input.parentGoalId, input);
      const made: Goal = {
        ...newGoal(actor.orgId, input),
        id: randomUUID(),
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      changes.budgetRevisions.push(initialRevision(made, actor.personId));
      events.goalCreated.push(goalSnapshot(made));
      return made;
    });
    if (!goal) continue;
    goalsByRef.set(entry.ref, goal);
    changes.goals.push(goal);
    changes.goalRefs.push({ ref: entry.ref, id: goal.id, title: goal.title });
    created.goals++;
  }

  for (const entry of plan.keyResults) {
    const goal = goalsByRef.get(entry.goalRef);
    if (!goal) {
      missingGoal(entry.goalRef, entry.row);
      continue;
    }
    const input = await validated(CreateKeyResultDto, entry.row, problems, {
      name: entry.name,
      category: entry.category,
      unit: entry.unit,
      baseline: entry.baseline,
      target: entry.target,
      direction: entry.direction,
      ...(entry.weight !== undefined ? { weight: entry.weight } : {}),
    });
    if (!input) continue;
    // KeyResultsService.add
    const keyResult = request(entry.row, () => {
      assertTargetMatchesDirection(input.baseline, input.target, input.direction);
      assertMayChange(goal);
      assertGoalOpen(goal.status, 'adding a key result');
      const made: KeyResult = {
        ...newKeyResult(actor.orgId, goal.id, input),
        id: randomUUID(),
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      events.keyResultAdded.push(keyResultSnapshot(made));
      return made;
    });
    if (!keyResult) continue;
    changes.keyResults.push(keyResult);
    created.keyResults++;
  }

  for (const entry of plan.deliverables) {
    const goal = goalsByRef.get(entry.goalRef);
    if (!goal) {
      missingGoal(entry.goalRef, entry.row);
      continue;
    }
    const managerId = person(entry.managerEmail, 'manager_email', entry.row);
    const budgetMinor = toMinor(entry.amount, goal.currency, 'amount', entry.row, problems);
    if (!managerId || budgetMinor === null) continue;
    const input = await validated(CreateDeliverableDto, entry.row, problems, {
      title: entry.title,
      managerId,
      dueDate: entry.dueDate,
      ...(entry.weight !== undefined ? { weight: entry.weight } : {}),
      budgetMinor,
    });
    if (!input) continue;
    const others = deliverablesOf.get(goal.id) ?? [];
    // DeliverablesService.add
    const deliverable = request(entry.row, () => {
      assertMayChange(goal);
      assertGoalOpen(goal.status, 'adding a deliverable');
      assertDueWithinPeriod(input.dueDate, goal);
      assertPersonFits(personFacts(input.managerId), input.managerId, 'managerId', 'manager');
      assertSharesWithinTotal(goal.budgetMinor, sumMinor(others.map((other) => other.budgetMinor)), input.budgetMinor);
      const made: Deliverable = {
        ...newDeliverable(actor.orgId, goal.id, input),
        id: randomUUID(),
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      events.deliverableAdded.push(deliverablePayload(goal, made));
      return made;
    });
    if (!deliverable) continue;
    deliverablesOf.set(goal.id, [...others, deliverable]);
    changes.deliverables.push(deliverable);
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
      managerId: allocation.managerEmail ? person(allocation.managerEmail, 'manager_email', allocation.row) : undefined,
      orgUnitId: allocation.orgUnitName ? unit(allocation.orgUnitName, 'org_unit', allocation.row) : undefined,
      amountMinor: toMinor(allocation.amount, goal.currency, 'amount', allocation.row, problems),
    }));
    if (
      resolved.some((allocation) => !(allocation.managerId || allocation.orgUnitId) || allocation.amountMinor === null)
    )
      continue;
    const input = await validated(ReviseBudgetDto, row, problems, {
      totalMinor: goal.budgetMinor,
      allocations: resolved.map(({ managerId, orgUnitId, amountMinor }) => ({
        ...(managerId ? { managerId } : { orgUnitId }),
        amountMinor,
      })),
      reason: 'Allocated by spreadsheet import',
    });
    if (!input) continue;
    // BudgetsService.revise, from the revision the goal was created with; the units were found by name here.
    const revision = request(row, () => {
      assertMayChange(goal);
      assertGoalOpen(goal.status, 'revising its budget');
      const budget = budgetAllocations(input.allocations);
      const shares = sumMinor((deliverablesOf.get(goal.id) ?? []).map((deliverable) => deliverable.budgetMinor));
      assertValidRevision(input.totalMinor, budget, shares);
      for (const [index, allocation] of budget.entries())
        if (allocation.managerId)
          assertPersonFits(
            personFacts(allocation.managerId),
            allocation.managerId,
            `allocations.${index}.managerId`,
            'manager',
          );
      const made = reviseBudget(goal, { ...input, allocations: budget }, actor.personId);
      saved(goal);
      events.budgetRevised.push(budgetRevisedPayload(made));
      return made;
    });
    if (!revision) continue;
    changes.budgetRevisions.push(revision);
    created.budgetRevisions++;
  }

  for (const entry of plan.goals.filter((goal) => goal.status === 'active')) {
    const goal = goalsByRef.get(entry.ref);
    if (!goal) continue;
    // GoalsService.activate
    const activated = request(entry.row, () => {
      assertMayChange(goal);
      activate(goal);
      saved(goal);
      events.goalActivated.push(goalActivatedPayload(goal, deliverablesOf.get(goal.id) ?? []));
      return true;
    });
    if (activated) created.activatedGoals++;
  }

  problems.sort((a, b) => a.row - b.row);
  return changes;
}

/** The same DTO rules as the API body; mistakes are put on the row, by column. */
async function validated<T extends object>(
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
