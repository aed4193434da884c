import type { BudgetAllocation } from './budgets/budget.rules';
import type { BudgetRevision } from './budgets/budget-revision.entity';
import type { Deliverable } from './deliverables/deliverable.entity';
import type { CreateDeliverableDto } from './deliverables/dto/deliverable.dto';
import type { CreateGoalDto } from './dto/goal.dto';
import type { Goal } from './goal.entity';
import type { CreateKeyResultDto } from './key-results/dto/key-result.dto';
import type { KeyResult } from './key-results/key-result.entity';

/** What the database fills in on insert (TenantAggregate's columns). */
type Generated = 'id' | 'version' | 'createdAt' | 'updatedAt';

/**
 * The rows a change of the goal aggregate writes, as plain data: the services save them one at a
 * time, the plan import writes a whole file's in one statement per table. Defaults live here once.
 */
export function newGoal(orgId: string, input: CreateGoalDto): Omit<Goal, Generated> {
  return {
    orgId,
    title: input.title,
    description: input.description ?? '',
    ownerId: input.ownerId,
    orgUnitId: input.orgUnitId,
    parentGoalId: input.parentGoalId ?? null,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    weight: input.weight ?? 1,
    status: 'draft',
    currency: input.budget.currency,
    budgetMinor: input.budget.amountMinor,
    budgetRevision: 1,
    activatedAt: null,
    closedAt: null,
    closeReason: null,
  };
}

/** Revision 1: the budget the goal was created with, announced by goal.created itself. */
export function initialRevision(
  goal: Pick<Goal, 'id' | 'orgId' | 'currency' | 'budgetMinor' | 'createdAt'>,
  revisedBy: string,
): BudgetRevision {
  return {
    goalId: goal.id,
    revision: 1,
    orgId: goal.orgId,
    currency: goal.currency,
    totalMinor: goal.budgetMinor,
    allocations: [],
    reason: 'Initial budget',
    revisedBy,
    revisedAt: goal.createdAt,
  };
}

/** The goal's next budget revision; the goal row then carries its number and total (save both). */
export function reviseBudget(
  goal: Pick<Goal, 'id' | 'orgId' | 'currency' | 'budgetRevision' | 'budgetMinor'>,
  change: { totalMinor: number; allocations: BudgetAllocation[]; reason: string },
  revisedBy: string,
  revisedAt = new Date(),
): BudgetRevision {
  const revision: BudgetRevision = {
    goalId: goal.id,
    revision: goal.budgetRevision + 1,
    orgId: goal.orgId,
    currency: goal.currency,
    totalMinor: change.totalMinor,
    allocations: change.allocations,
    reason: change.reason,
    revisedBy,
    revisedAt,
  };
  goal.budgetRevision = revision.revision;
  goal.budgetMinor = revision.totalMinor;
  return revision;
}

export function newKeyResult(orgId: string, goalId: string, input: CreateKeyResultDto): Omit<KeyResult, Generated> {
  const { name, category, unit, baseline, target, direction, weight } = input;
  return { orgId, goalId, name, category, unit, baseline, target, direction, weight: weight ?? 1 };
}

export function newDeliverable(
  orgId: string,
  goalId: string,
  input: CreateDeliverableDto,
): Omit<Deliverable, Generated> {
  return {
    orgId,
    goalId,
    title: input.title,
    managerId: input.managerId,
    dueDate: input.dueDate,
    weight: input.weight ?? 1,
    budgetMinor: input.budgetMinor,
    removedAt: null,
    removalReason: null,
  };
}
