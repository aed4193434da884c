import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, IsNull } from 'typeorm';
import { DeliverableAddedV1, DeliverableChangedV1, DeliverableRemovedV1 } from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { Actor, notFound, page, Page, PageQueryDto, actedBy } from '@throughline/service-kit';
import { assertSharesWithinTotal, sumMinor } from '../budgets/budget.rules';
import { Goal } from '../goal.entity';
import { assertDueWithinPeriod } from '../goal-lifecycle';
import { lockOpenGoal, requireGoal } from '../goal-locks';
import { requirePerson } from '../../organisation/directory';
import { changedFields, hasChanges } from '../../shared/changes';
import { lockForChange } from '../../shared/locking';
import { deliverableView } from './deliverable-views';
import { Deliverable } from './deliverable.entity';
import { CreateDeliverableDto, DeliverableView, UpdateDeliverableDto } from './dto/deliverable.dto';
import { AccessPolicy } from '../../access/access-policy';
import { deliverablePayload } from '../goal-events';
import { newDeliverable } from '../goal-changes';

/**
 * Deliverables are published on every change, with the goal's status: execution turns
 * them into tasks only once the goal is active (activation carries the ones added before).
 */
@Injectable()
export class DeliverablesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
    private readonly access: AccessPolicy,
  ) {}

  async add(
    actor: Actor,
    goalId: string,
    input: CreateDeliverableDto,
    correlationId: string,
  ): Promise<DeliverableView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await lockOpenGoal(tx, this.access, actor, goalId, 'adding a deliverable');
      assertDueWithinPeriod(input.dueDate, goal);
      await requirePerson(tx, actor.orgId, input.managerId, 'managerId', 'manager');
      assertSharesWithinTotal(goal.budgetMinor, await this.sharesOfOthers(tx, goal.id), input.budgetMinor);
      const deliverable = await tx.save(tx.create(Deliverable, newDeliverable(actor.orgId, goal.id, input)));
      await this.outbox.publish(
        tx,
        DeliverableAddedV1,
        deliverablePayload(goal, deliverable),
        actedBy(actor, correlationId),
      );
      return deliverableView(deliverable);
    });
  }

  async update(
    actor: Actor,
    goalId: string,
    deliverableId: string,
    input: UpdateDeliverableDto,
    expectedVersion: number,
    correlationId: string,
  ): Promise<DeliverableView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await lockOpenGoal(tx, this.access, actor, goalId, 'changing a deliverable');
      const deliverable = await this.lockDeliverable(tx, goal, deliverableId, expectedVersion);
      const changes = changedFields(deliverable, input);
      if (!hasChanges(changes)) return deliverableView(deliverable);
      if (changes.dueDate) assertDueWithinPeriod(changes.dueDate, goal);
      if (changes.managerId) await requirePerson(tx, actor.orgId, changes.managerId, 'managerId', 'manager');
      if (changes.budgetMinor !== undefined)
        assertSharesWithinTotal(
          goal.budgetMinor,
          await this.sharesOfOthers(tx, goal.id, deliverable.id),
          changes.budgetMinor,
        );
      Object.assign(deliverable, changes);
      await tx.save(deliverable);
      await this.outbox.publish(
        tx,
        DeliverableChangedV1,
        deliverablePayload(goal, deliverable),
        actedBy(actor, correlationId),
      );
      return deliverableView(deliverable);
    });
  }

  async remove(
    actor: Actor,
    goalId: string,
    deliverableId: string,
    reason: string,
    expectedVersion: number,
    correlationId: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const goal = await lockOpenGoal(tx, this.access, actor, goalId, 'removing a deliverable');
      const deliverable = await this.lockDeliverable(tx, goal, deliverableId, expectedVersion);
      deliverable.removedAt = new Date();
      deliverable.removalReason = reason;
      await tx.save(deliverable);
      await this.outbox.publish(
        tx,
        DeliverableRemovedV1,
        { goalId: goal.id, deliverableId: deliverable.id, reason, removedAt: deliverable.removedAt.toISOString() },
        actedBy(actor, correlationId),
      );
    });
  }

  async get(actor: Actor, goalId: string, deliverableId: string): Promise<DeliverableView> {
    await requireGoal(this.dataSource.manager, this.access, actor, goalId);
    const deliverable = await this.dataSource.manager.findOne(Deliverable, {
      where: { id: deliverableId, goalId, removedAt: IsNull() },
    });
    if (!deliverable) throw notFound('Deliverable', deliverableId);
    return deliverableView(deliverable);
  }

  async list(actor: Actor, goalId: string, query: PageQueryDto): Promise<Page<DeliverableView>> {
    await requireGoal(this.dataSource.manager, this.access, actor, goalId);
    const [deliverables, total] = await this.dataSource.manager.findAndCount(Deliverable, {
      where: { goalId, removedAt: IsNull() },
      order: { dueDate: 'ASC', createdAt: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return page(deliverables.map(deliverableView), total, query);
  }

  private lockDeliverable(
    tx: EntityManager,
    goal: Goal,
    deliverableId: string,
    expectedVersion: number,
  ): Promise<Deliverable> {
    const where: FindOptionsWhere<Deliverable> = {
      id: deliverableId,
      goalId: goal.id,
      orgId: goal.orgId,
      removedAt: IsNull(),
    };
    return lockForChange(tx, Deliverable, 'Deliverable', deliverableId, where, expectedVersion);
  }

  /** The budget shares of the goal's current deliverables, optionally leaving one out (the one being changed). */
  private async sharesOfOthers(tx: EntityManager, goalId: string, exceptId?: string): Promise<bigint> {
    const deliverables = await tx.find(Deliverable, { where: { goalId, removedAt: IsNull() } });
    return sumMinor(
      deliverables.filter((deliverable) => deliverable.id !== exceptId).map((deliverable) => deliverable.budgetMinor),
    );
  }
}
