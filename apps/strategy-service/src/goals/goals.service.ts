import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Brackets,
  DataSource,
  EntityManager,
  FindOptionsWhere,
  IsNull,
  LessThanOrEqual,
  MoreThanOrEqual,
  SelectQueryBuilder,
} from 'typeorm';
import { GoalActivatedV1, GoalClosedV1, GoalCreatedV1, GoalUpdatedV1 } from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { Actor, page, Page, invalid, actedBy, conflict } from '@throughline/service-kit';
import { BudgetRevision } from './budgets/budget-revision.entity';
import { deliverableView } from './deliverables/deliverable-views';
import { Deliverable } from './deliverables/deliverable.entity';
import { keyResultView } from './key-results/key-result-views';
import { KeyResult } from './key-results/key-result.entity';
import { requireOrgUnit, requirePerson } from '../organisation/directory';
import { riskView } from './risks/risk-views';
import { Risk } from './risks/risk.entity';
import { lockHierarchy } from '../shared/ancestors';
import { changedFields, hasChanges } from '../shared/changes';
import { assertNoCycle } from '../shared/hierarchy';
import { CloseGoalDto, CreateGoalDto, GoalDetailView, GoalListQueryDto, GoalView, UpdateGoalDto } from './dto/goal.dto';
import { Goal } from './goal.entity';
import { activate, assertGoalOpen, assertGoalTransition, assertParentTakes, assertPeriod } from './goal-lifecycle';
import { initialRevision, newGoal } from './goal-changes';
import { lockGoal, requireGoal } from './goal-locks';
import { AccessPolicy } from '../access/access-policy';
import { goalActivatedPayload, goalSnapshot } from './goal-events';
import { goalView } from './goal-views';
import { goalsAbove } from './contributions/contribution-graph';
import { contributionsOf } from './contributions/contributions.service';

@Injectable()
export class GoalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
    private readonly access: AccessPolicy,
  ) {}

  /** A draft goal; its budget becomes budget revision 1, announced by the goal.created event itself. */
  async create(actor: Actor, input: CreateGoalDto, correlationId: string): Promise<GoalView> {
    this.access.assertRole(actor, ['director'], 'create goals');
    assertPeriod(input.periodStart, input.periodEnd);
    return this.dataSource.transaction(async (tx) => {
      await requirePerson(tx, actor.orgId, input.ownerId, 'ownerId', 'director');
      await requireOrgUnit(tx, actor.orgId, input.orgUnitId, 'orgUnitId');
      await this.access.assertMayDirectUnit(tx, actor, input.orgUnitId);
      if (input.parentGoalId) await this.requireParent(tx, actor, input.parentGoalId, input);
      const goal = await tx.save(tx.create(Goal, newGoal(actor.orgId, input)));
      await tx.save(tx.create(BudgetRevision, initialRevision(goal, actor.personId)));
      await this.outbox.publish(tx, GoalCreatedV1, goalSnapshot(goal), actedBy(actor, correlationId));
      return goalView(goal);
    });
  }

  async update(
    actor: Actor,
    goalId: string,
    input: UpdateGoalDto,
    expectedVersion: number,
    correlationId: string,
  ): Promise<GoalView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await lockGoal(tx, this.access, actor, goalId, expectedVersion);
      assertGoalOpen(goal.status, 'changing it');
      const changes = changedFields(goal, input);
      if (!hasChanges(changes)) return goalView(goal);
      const next = { ...goal, ...changes };
      assertPeriod(next.periodStart, next.periodEnd);
      if (changes.ownerId) await requirePerson(tx, actor.orgId, changes.ownerId, 'ownerId', 'director');
      if (changes.orgUnitId) {
        await requireOrgUnit(tx, actor.orgId, changes.orgUnitId, 'orgUnitId');
        await this.access.assertMayDirectUnit(tx, actor, changes.orgUnitId);
      }
      const periodChanged = next.periodStart !== goal.periodStart || next.periodEnd !== goal.periodEnd;
      if (next.parentGoalId && (next.parentGoalId !== goal.parentGoalId || periodChanged)) {
        await lockHierarchy(tx, 'goal', actor.orgId);
        // Through parents and contributions alike: either kind of edge could close the loop.
        const above = await goalsAbove(tx, actor.orgId, [next.parentGoalId]);
        assertNoCycle('goal', 'parentGoalId', goal.id, next.parentGoalId, [...(above.get(next.parentGoalId) ?? [])]);
        await this.requireParent(tx, actor, next.parentGoalId, next);
      }
      if (next.parentGoalId && next.parentGoalId !== goal.parentGoalId) {
        const { contributesTo } = await contributionsOf(tx, goal.id);
        if (contributesTo.length > 0 && !contributesTo.some((target) => target.goalId === next.parentGoalId))
          throw conflict(
            `The goal's contributions do not name ${next.parentGoalId}: set them (PUT …/contributions) to include the new parent first, or clear them.`,
            [{ field: 'parentGoalId', message: "must be one of the goals the goal's contributions name" }],
          );
      }
      if (periodChanged) await this.assertPeriodStillHoldsParts(tx, goal, next);
      Object.assign(goal, changes);
      await tx.save(goal);
      await this.outbox.publish(tx, GoalUpdatedV1, goalSnapshot(goal), actedBy(actor, correlationId));
      return goalView(goal);
    });
  }

  async activate(actor: Actor, goalId: string, expectedVersion: number, correlationId: string): Promise<GoalView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await lockGoal(tx, this.access, actor, goalId, expectedVersion);
      activate(goal);
      await tx.save(goal);
      const deliverables = await currentDeliverables(tx, goal.id);
      await this.outbox.publish(
        tx,
        GoalActivatedV1,
        goalActivatedPayload(goal, deliverables),
        actedBy(actor, correlationId),
      );
      return goalView(goal);
    });
  }

  async close(
    actor: Actor,
    goalId: string,
    input: CloseGoalDto,
    expectedVersion: number,
    correlationId: string,
  ): Promise<GoalView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await lockGoal(tx, this.access, actor, goalId, expectedVersion);
      assertGoalTransition(goal.status, input.outcome);
      goal.status = input.outcome;
      goal.closedAt = new Date();
      goal.closeReason = input.reason ?? null;
      await tx.save(goal);
      await this.outbox.publish(
        tx,
        GoalClosedV1,
        {
          goalId: goal.id,
          outcome: input.outcome,
          reason: goal.closeReason,
          closedAt: goal.closedAt.toISOString(),
          version: goal.version,
        },
        actedBy(actor, correlationId),
      );
      return goalView(goal);
    });
  }

  async get(actor: Actor, goalId: string): Promise<GoalDetailView> {
    const manager = this.dataSource.manager;
    const goal = await requireGoal(manager, this.access, actor, goalId);
    const [keyResults, deliverables, risks] = await Promise.all([
      manager.find(KeyResult, { where: { goalId }, order: { createdAt: 'ASC', id: 'ASC' } }),
      currentDeliverables(manager, goalId),
      manager.find(Risk, { where: { goalId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    ]);
    return {
      ...goalView(goal),
      keyResults: keyResults.map(keyResultView),
      deliverables: deliverables.map(deliverableView),
      risks: risks.map(riskView),
    };
  }

  async list(actor: Actor, query: GoalListQueryDto): Promise<Page<GoalView>> {
    if (query.periodFrom && query.periodTo) assertPeriod(query.periodFrom, query.periodTo);
    const where: FindOptionsWhere<Goal> = { orgId: actor.orgId };
    if (query.status) where.status = query.status;
    if (query.ownerId) where.ownerId = query.ownerId;
    if (query.orgUnitId) where.orgUnitId = query.orgUnitId;
    if (query.parentGoalId) where.parentGoalId = query.parentGoalId;
    // Overlap of [periodStart, periodEnd] with [periodFrom, periodTo].
    if (query.periodFrom) where.periodEnd = MoreThanOrEqual(query.periodFrom);
    if (query.periodTo) where.periodStart = LessThanOrEqual(query.periodTo);
    const goalsQuery = await this.visibleGoals(actor, where);
    const [goals, total] = await goalsQuery.skip(query.offset).take(query.limit).getManyAndCount();
    return page(goals.map(goalView), total, query);
  }

  /** The goals matching `where` that the caller sees, oldest first (lists and spreadsheet exports). */
  async visibleGoals(actor: Actor, where: FindOptionsWhere<Goal>): Promise<SelectQueryBuilder<Goal>> {
    const goalsQuery = this.dataSource.manager
      .createQueryBuilder(Goal, 'goal')
      .setFindOptions({ where: { ...where, orgId: actor.orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    const scope = await this.access.goalScope(this.dataSource.manager, actor);
    if (!scope.all) {
      // The same rule as AccessPolicy for one goal: a unit in scope, an owner in scope, or a current deliverable of someone in scope.
      goalsQuery.andWhere(
        new Brackets((visible) =>
          visible
            .where('goal.org_unit_id = ANY(:unitIds)', { unitIds: scope.unitIds })
            .orWhere('goal.owner_id = ANY(:personIds)', { personIds: scope.personIds })
            .orWhere(
              'EXISTS (SELECT 1 FROM deliverable d WHERE d.goal_id = goal.id AND d.removed_at IS NULL AND d.manager_id = ANY(:personIds))',
            ),
        ),
      );
    }
    return goalsQuery;
  }

  /** The parent exists in the organisation, is still open, and contains the child's period. */
  private async requireParent(
    tx: EntityManager,
    actor: Actor,
    parentGoalId: string,
    child: { periodStart: string; periodEnd: string },
  ): Promise<void> {
    // Shared lock: the parent's period cannot change until this child is written.
    const parent = await tx.findOne(Goal, {
      where: { id: parentGoalId, orgId: actor.orgId },
      lock: { mode: 'pessimistic_read' },
    });
    assertParentTakes(parent, parentGoalId, child);
  }

  /** A shorter period must still hold the sub-goals' periods and the deliverables' due dates. */
  private async assertPeriodStillHoldsParts(
    tx: EntityManager,
    goal: Goal,
    next: { periodStart: string; periodEnd: string },
  ): Promise<void> {
    const children = await tx.find(Goal, { where: { parentGoalId: goal.id, orgId: goal.orgId } });
    for (const child of children) {
      if (child.periodStart < next.periodStart || child.periodEnd > next.periodEnd) {
        throw invalid(
          `Sub-goal "${child.title}" runs ${child.periodStart} – ${child.periodEnd}, outside the new period: change it first.`,
          [{ field: 'periodStart', message: "must contain every sub-goal's period" }],
        );
      }
    }
    for (const deliverable of await currentDeliverables(tx, goal.id)) {
      if (deliverable.dueDate < next.periodStart || deliverable.dueDate > next.periodEnd) {
        throw invalid(
          `Deliverable "${deliverable.title}" is due ${deliverable.dueDate}, outside the new period: move it first.`,
          [{ field: 'periodEnd', message: "must contain every deliverable's due date" }],
        );
      }
    }
  }
}

/** The deliverables that count: not removed, in the order they were added. */
export function currentDeliverables(manager: EntityManager, goalId: string): Promise<Deliverable[]> {
  return manager.find(Deliverable, { where: { goalId, removedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
}
