import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { BudgetRevisedV1 } from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { Actor, page, Page, PageQueryDto, stale, actedBy } from '@throughline/service-kit';
import { Deliverable } from '../deliverables/deliverable.entity';
import { lockOpenGoal, requireGoal } from '../goal-locks';
import { requireOrgUnit, requirePerson } from '../../organisation/directory';
import { BudgetRevision } from './budget-revision.entity';
import { assertValidRevision, budgetAllocations, sumMinor } from './budget.rules';
import { BudgetRevisionView, CurrentBudgetView, ReviseBudgetDto } from './dto/budget.dto';
import { AccessPolicy } from '../../access/access-policy';
import { reviseBudget } from '../goal-changes';
import { budgetRevisedPayload } from '../goal-events';

/**
 * A goal's budget is a numbered history of revisions. Revision 1 is the budget the goal
 * was created with (announced by goal.created); each later revision replaces the total
 * and the whole allocation, is kept, and publishes budget.revised. The goal row carries
 * the current total so goal reads and events need no join.
 */
@Injectable()
export class BudgetsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
    private readonly access: AccessPolicy,
  ) {}

  async current(actor: Actor, goalId: string): Promise<CurrentBudgetView> {
    const manager = this.dataSource.manager;
    const goal = await requireGoal(manager, this.access, actor, goalId);
    const revision = await manager.findOneOrFail(BudgetRevision, { where: { goalId, revision: goal.budgetRevision } });
    return { ...revisionView(revision), deliverableSharesMinor: Number(await deliverableShares(manager, goalId)) };
  }

  async history(actor: Actor, goalId: string, query: PageQueryDto): Promise<Page<BudgetRevisionView>> {
    await requireGoal(this.dataSource.manager, this.access, actor, goalId);
    const [revisions, total] = await this.dataSource.manager.findAndCount(BudgetRevision, {
      where: { goalId },
      order: { revision: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return page(revisions.map(revisionView), total, query);
  }

  async revise(
    actor: Actor,
    goalId: string,
    input: ReviseBudgetDto,
    expectedRevision: number,
    correlationId: string,
  ): Promise<CurrentBudgetView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await lockOpenGoal(tx, this.access, actor, goalId, 'revising its budget');
      if (goal.budgetRevision !== expectedRevision) {
        throw stale(
          `The budget of goal ${goalId} is at revision ${goal.budgetRevision}, not ${expectedRevision}: read it again and retry.`,
        );
      }
      const allocations = budgetAllocations(input.allocations);
      const shares = await deliverableShares(tx, goal.id);
      assertValidRevision(input.totalMinor, allocations, shares);
      for (const [index, allocation] of allocations.entries()) {
        if (allocation.managerId)
          await requirePerson(tx, actor.orgId, allocation.managerId, `allocations.${index}.managerId`, 'manager');
        if (allocation.orgUnitId)
          await requireOrgUnit(tx, actor.orgId, allocation.orgUnitId, `allocations.${index}.orgUnitId`);
      }
      const revision = await tx.save(
        tx.create(BudgetRevision, reviseBudget(goal, { ...input, allocations }, actor.personId)),
      );
      await tx.save(goal);
      await this.outbox.publish(tx, BudgetRevisedV1, budgetRevisedPayload(revision), actedBy(actor, correlationId));
      const view = revisionView(revision);
      return { ...view, deliverableSharesMinor: Number(shares) };
    });
  }
}

async function deliverableShares(manager: EntityManager, goalId: string): Promise<bigint> {
  const deliverables = await manager.find(Deliverable, { where: { goalId, removedAt: IsNull() } });
  return sumMinor(deliverables.map((deliverable) => deliverable.budgetMinor));
}

function revisionView(revision: BudgetRevision): BudgetRevisionView {
  return {
    goalId: revision.goalId,
    revision: revision.revision,
    currency: revision.currency,
    totalMinor: revision.totalMinor,
    allocations: revision.allocations,
    allocatedMinor: Number(sumMinor(revision.allocations.map((allocation) => allocation.amountMinor))),
    reason: revision.reason,
    revisedBy: revision.revisedBy,
    revisedAt: revision.revisedAt.toISOString(),
  };
}
