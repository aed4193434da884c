import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { GoalActivatedV1 } from '@throughline/contracts';
import { EventContext, EventOutbox } from '@throughline/messaging';
import { Actor, DomainError, notFound, page, Page } from '@throughline/service-kit';
import { Deliverable } from './deliverable.entity';
import { CreateDeliverableDto, CreateGoalDto, GoalListQueryDto, GoalView } from './dto/goal.dto';
import { Goal } from './goal.entity';
import { assertGoalTransition, assertPeriod } from './goal-lifecycle';

@Injectable()
export class GoalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
  ) {}

  async create(actor: Actor, input: CreateGoalDto): Promise<GoalView> {
    assertPeriod(input.periodStart, input.periodEnd);
    return this.dataSource.transaction(async (tx) => {
      if (input.parentGoalId) {
        const parent = await this.lockGoal(tx, actor, input.parentGoalId);
        if (input.periodStart < parent.periodStart || input.periodEnd > parent.periodEnd) {
          throw new DomainError('invalid', `A sub-goal's period must lie within its parent's (${parent.periodStart} – ${parent.periodEnd}).`, [{ field: 'periodStart', message: "must lie within the parent goal's period" }]);
        }
      }
      const goal = tx.create(Goal, {
        orgId: actor.orgId,
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
        activatedAt: null,
      });
      await tx.save(goal);
      return toView(goal, []);
    });
  }

  async addDeliverable(actor: Actor, goalId: string, input: CreateDeliverableDto): Promise<GoalView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await this.lockGoal(tx, actor, goalId);
      if (goal.status !== 'draft' && goal.status !== 'active') throw new DomainError('conflict', `Deliverables cannot be added to a ${goal.status} goal.`);
      if (input.dueDate < goal.periodStart || input.dueDate > goal.periodEnd) {
        throw new DomainError('invalid', `dueDate must lie within the goal's period (${goal.periodStart} – ${goal.periodEnd}).`, [{ field: 'dueDate', message: "must lie within the goal's period" }]);
      }
      const deliverables = await tx.find(Deliverable, { where: { goalId: goal.id }, order: { createdAt: 'ASC' } });
      const allocated = deliverables.reduce((sum, deliverable) => sum + deliverable.budgetMinor, 0);
      if (allocated + input.budgetMinor > goal.budgetMinor) {
        throw new DomainError('invalid', `Deliverable budgets would exceed the goal's budget: ${allocated + input.budgetMinor} > ${goal.budgetMinor} ${goal.currency} minor units.`, [{ field: 'budgetMinor', message: `at most ${goal.budgetMinor - allocated} remains` }]);
      }
      const deliverable = await tx.save(tx.create(Deliverable, { orgId: actor.orgId, goalId: goal.id, title: input.title, managerId: input.managerId, dueDate: input.dueDate, weight: input.weight ?? 1, budgetMinor: input.budgetMinor }));
      return toView(goal, [...deliverables, deliverable]);
    });
  }

  async activate(actor: Actor, goalId: string, expectedVersion: number, correlationId: string): Promise<GoalView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await this.lockGoal(tx, actor, goalId, expectedVersion);
      assertGoalTransition(goal.status, 'active');
      goal.status = 'active';
      goal.activatedAt = new Date();
      await tx.save(goal);
      const deliverables = await tx.find(Deliverable, { where: { goalId: goal.id }, order: { createdAt: 'ASC' } });
      await this.outbox.publish(
        tx,
        GoalActivatedV1,
        {
          goalId: goal.id,
          parentGoalId: goal.parentGoalId,
          orgUnitId: goal.orgUnitId,
          ownerId: goal.ownerId,
          title: goal.title,
          periodStart: goal.periodStart,
          periodEnd: goal.periodEnd,
          weight: goal.weight,
          currency: goal.currency,
          budgetMinor: goal.budgetMinor,
          deliverables: deliverables.map((deliverable) => ({
            deliverableId: deliverable.id,
            title: deliverable.title,
            managerId: deliverable.managerId,
            dueDate: deliverable.dueDate,
            weight: deliverable.weight,
            budgetMinor: deliverable.budgetMinor,
          })),
          activatedAt: goal.activatedAt.toISOString(),
        },
        eventContext(actor, correlationId),
      );
      return toView(goal, deliverables);
    });
  }

  async get(actor: Actor, goalId: string): Promise<GoalView> {
    const goal = await this.dataSource.manager.findOne(Goal, { where: { id: goalId, orgId: actor.orgId } });
    if (!goal) throw notFound('Goal', goalId);
    const deliverables = await this.dataSource.manager.find(Deliverable, { where: { goalId }, order: { createdAt: 'ASC' } });
    return toView(goal, deliverables);
  }

  async list(actor: Actor, query: GoalListQueryDto): Promise<Page<GoalView>> {
    const where: FindOptionsWhere<Goal> = { orgId: actor.orgId };
    if (query.status) where.status = query.status;
    if (query.ownerId) where.ownerId = query.ownerId;
    if (query.orgUnitId) where.orgUnitId = query.orgUnitId;
    if (query.parentGoalId) where.parentGoalId = query.parentGoalId;
    const [goals, total] = await this.dataSource.manager.findAndCount(Goal, { where, order: { createdAt: 'ASC', id: 'ASC' }, skip: query.offset, take: query.limit });
    return page(
      goals.map((goal) => toView(goal, [])),
      total,
      query,
    );
  }

  /** Locks the goal row for the transaction; other organisations' goals do not exist for the caller. */
  private async lockGoal(tx: EntityManager, actor: Actor, goalId: string, expectedVersion?: number): Promise<Goal> {
    const goal = await tx.findOne(Goal, { where: { id: goalId, orgId: actor.orgId }, lock: { mode: 'pessimistic_write' } });
    if (!goal) throw notFound('Goal', goalId);
    if (expectedVersion !== undefined && goal.version !== expectedVersion) {
      throw new DomainError('stale', `Goal ${goalId} is at version ${goal.version}, not ${expectedVersion}: read it again and retry.`);
    }
    return goal;
  }
}

function eventContext(actor: Actor, correlationId: string): EventContext {
  return { orgId: actor.orgId, correlationId };
}

function toView(goal: Goal, deliverables: Deliverable[]): GoalView {
  return {
    id: goal.id,
    title: goal.title,
    description: goal.description,
    ownerId: goal.ownerId,
    orgUnitId: goal.orgUnitId,
    parentGoalId: goal.parentGoalId,
    periodStart: goal.periodStart,
    periodEnd: goal.periodEnd,
    weight: goal.weight,
    status: goal.status,
    budget: { currency: goal.currency, amountMinor: goal.budgetMinor },
    deliverables: deliverables.map(({ id, title, managerId, dueDate, weight, budgetMinor, version }) => ({ id, title, managerId, dueDate, weight, budgetMinor, version })),
    version: goal.version,
  };
}
