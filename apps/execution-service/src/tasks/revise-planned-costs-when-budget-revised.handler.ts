import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BudgetRevisedV1, EventOf } from '@throughline/contracts';
import { HandleEvent, causedBy } from '@throughline/messaging';
import { lockGoalReadModel } from '../goals/goal-read-models';
import { PlannedCostReviser } from './planned-cost-reviser';

/** Keeps the latest budget revision of a goal and lets planned costs follow it (rule: PlannedCostReviser). */
@Injectable()
export class RevisePlannedCostsWhenBudgetRevised {
  constructor(private readonly plannedCosts: PlannedCostReviser) {}

  @HandleEvent(BudgetRevisedV1)
  async handle(event: EventOf<typeof BudgetRevisedV1>, tx: EntityManager): Promise<void> {
    const data = event.data;
    const goal = await lockGoalReadModel(tx, data.goalId, event.orgid);
    // Revisions are numbered: an older one arriving late (a replay) changes nothing.
    if (data.revision <= goal.budgetRevision) return;
    Object.assign(goal, {
      budgetRevision: data.revision,
      budgetAllocations: data.allocations,
      budgetRevisedAt: new Date(data.revisedAt),
      budgetMinor: data.totalMinor,
    });
    goal.currency ??= data.currency;
    await tx.save(goal);
    await this.plannedCosts.applyLatestRevision(tx, goal, causedBy(event));
  }
}
