import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DeliverableAddedV1, EventOf, GoalActivatedV1 } from '@throughline/contracts';
import { HandleEvent, causedBy } from '@throughline/messaging';
import { isClosedGoalStatus, mergeGoalStatus } from '../goals/goal-status';
import { lockGoalReadModel } from '../goals/goal-read-models';
import { PlannedCostReviser } from './planned-cost-reviser';
import { TaskWriter } from './task-writer';

/**
 * Each deliverable of an active goal becomes a task for its manager, once: on activation,
 * and for a deliverable added to a goal that is already active. A closed goal gets no new tasks.
 */
@Injectable()
export class CreateTasksWhenGoalActivated {
  constructor(
    private readonly writer: TaskWriter,
    private readonly plannedCosts: PlannedCostReviser,
  ) {}

  @HandleEvent(GoalActivatedV1)
  async onGoalActivated(event: EventOf<typeof GoalActivatedV1>, tx: EntityManager): Promise<void> {
    const data = event.data;
    const goal = await lockGoalReadModel(tx, data.goalId, event.orgid);
    const activatedAt = new Date(data.activatedAt);
    Object.assign(goal, {
      title: data.title,
      currency: data.currency,
      periodStart: data.periodStart,
      periodEnd: data.periodEnd,
      budgetMinor: data.budgetMinor,
      status: mergeGoalStatus(goal.status, 'active'),
      activatedAt,
    });
    await tx.save(goal);
    if (isClosedGoalStatus(goal.status)) return;
    const cause = causedBy(event);
    for (const deliverable of data.deliverables)
      await this.writer.createFromDeliverable(tx, { goalId: goal.goalId, currency: data.currency }, deliverable, cause);
    // A revision made after the activation but delivered before it (a replay, a re-publication) still applies.
    if (goal.budgetRevision > 0 && goal.budgetRevisedAt && goal.budgetRevisedAt >= activatedAt)
      await this.plannedCosts.applyLatestRevision(tx, goal, cause);
  }

  @HandleEvent(DeliverableAddedV1)
  async onDeliverableAdded(event: EventOf<typeof DeliverableAddedV1>, tx: EntityManager): Promise<void> {
    const data = event.data;
    const goal = await lockGoalReadModel(tx, data.goalId, event.orgid);
    goal.status = mergeGoalStatus(goal.status, data.goalStatus);
    goal.currency ??= data.currency;
    await tx.save(goal);
    if (goal.status !== 'active') return;
    await this.writer.createFromDeliverable(
      tx,
      { goalId: goal.goalId, currency: goal.currency! },
      data.deliverable,
      causedBy(event),
    );
  }
}
