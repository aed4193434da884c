import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import { Actor, Sheet, SheetValue } from '@throughline/service-kit';
import { BudgetRevision } from '../goals/budgets/budget-revision.entity';
import { Deliverable } from '../goals/deliverables/deliverable.entity';
import { Goal } from '../goals/goal.entity';
import { GoalsService } from '../goals/goals.service';
import { KeyResult } from '../goals/key-results/key-result.entity';
import { fromMinor, PLAN_COLUMNS, PlanColumn } from './plan-sheet';

type PlanRow = Partial<Record<PlanColumn, SheetValue>>;

/** The open plan (draft and active goals) the caller sees, in the import template's layout: export, edit, re-import. */
@Injectable()
export class PlanExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly goals: GoalsService,
  ) {}

  async plan(actor: Actor): Promise<Sheet> {
    const goals = treeOrder(
      await (await this.goals.visibleGoals(actor, { status: In(['draft', 'active']) })).getMany(),
    );
    const goalIds = goals.map((goal) => goal.id);
    const manager = this.dataSource.manager;
    const [keyResults, deliverables, revisions, people, units] = await Promise.all([
      manager.find(KeyResult, { where: { goalId: In(goalIds) }, order: { createdAt: 'ASC', id: 'ASC' } }),
      manager.find(Deliverable, {
        where: { goalId: In(goalIds), removedAt: IsNull() },
        order: { createdAt: 'ASC', id: 'ASC' },
      }),
      manager.find(BudgetRevision, { where: { goalId: In(goalIds) } }),
      manager.query(`SELECT id, email FROM person WHERE org_id = $1`, [actor.orgId]),
      manager.query(`SELECT id, name FROM org_unit WHERE org_id = $1`, [actor.orgId]),
    ]);
    const email = new Map<string, string>(
      people.map((person: { id: string; email: string }) => [person.id, person.email]),
    );
    const unitName = new Map<string, string>(units.map((unit: { id: string; name: string }) => [unit.id, unit.name]));
    const visible = new Set(goalIds);
    const rows: PlanRow[] = [];
    for (const goal of goals) {
      rows.push({
        kind: 'goal',
        goal_ref: goal.id,
        parent_goal_ref: goal.parentGoalId && visible.has(goal.parentGoalId) ? goal.parentGoalId : null,
        title: goal.title,
        description: goal.description || null,
        status: goal.status,
        owner_email: email.get(goal.ownerId) ?? null,
        org_unit: unitName.get(goal.orgUnitId) ?? null,
        period_start: goal.periodStart,
        period_end: goal.periodEnd,
        weight: goal.weight,
        currency: goal.currency,
        amount: fromMinor(goal.budgetMinor, goal.currency),
      });
      for (const keyResult of keyResults.filter((entry) => entry.goalId === goal.id))
        rows.push({
          kind: 'key_result',
          goal_ref: goal.id,
          title: keyResult.name,
          category: keyResult.category,
          unit: keyResult.unit,
          baseline: keyResult.baseline,
          target: keyResult.target,
          direction: keyResult.direction,
          weight: keyResult.weight,
        });
      for (const deliverable of deliverables.filter((entry) => entry.goalId === goal.id))
        rows.push({
          kind: 'deliverable',
          goal_ref: goal.id,
          title: deliverable.title,
          manager_email: email.get(deliverable.managerId) ?? null,
          due_date: deliverable.dueDate,
          weight: deliverable.weight,
          amount: fromMinor(deliverable.budgetMinor, goal.currency),
        });
      const current = revisions.find(
        (revision) => revision.goalId === goal.id && revision.revision === goal.budgetRevision,
      );
      for (const allocation of current?.allocations ?? [])
        rows.push({
          kind: 'budget_allocation',
          goal_ref: goal.id,
          manager_email: allocation.managerId ? (email.get(allocation.managerId) ?? null) : null,
          org_unit: allocation.orgUnitId ? (unitName.get(allocation.orgUnitId) ?? null) : null,
          amount: fromMinor(allocation.amountMinor, goal.currency),
        });
    }
    return planSheet(rows);
  }
}

export function planSheet(rows: PlanRow[]): Sheet {
  return {
    name: 'plan',
    columns: PLAN_COLUMNS.map((key) => ({ key, width: key === 'title' || key === 'description' ? 40 : undefined })),
    rows,
  };
}

/**
 * Each goal followed by its sub-goals, siblings by creation then title: a reader sees the
 * cascade, and goals imported together (one timestamp) keep one order in every export.
 */
function treeOrder(goals: Goal[]): Goal[] {
  const ids = new Set(goals.map((goal) => goal.id));
  const sorted = [...goals].sort(
    (a, b) =>
      a.createdAt.getTime() - b.createdAt.getTime() || a.title.localeCompare(b.title) || a.id.localeCompare(b.id),
  );
  const children = new Map<string | null, Goal[]>();
  for (const goal of sorted) {
    const parent = goal.parentGoalId && ids.has(goal.parentGoalId) ? goal.parentGoalId : null;
    children.set(parent, [...(children.get(parent) ?? []), goal]);
  }
  const ordered: Goal[] = [];
  const visit = (parent: string | null) => {
    for (const goal of children.get(parent) ?? []) {
      ordered.push(goal);
      visit(goal.id);
    }
  };
  visit(null);
  return ordered;
}
