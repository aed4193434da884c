import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DeliverableChangedV1, DeliverableRemovedV1, EventOf } from '@throughline/contracts';
import { HandleEvent, causedBy } from '@throughline/messaging';
import { mergeGoalStatus } from '../goals/goal-status';
import { lockGoalReadModel } from '../goals/goal-read-models';
import { RemovedDeliverable } from '../goals/removed-deliverable.entity';
import { Task } from './task.entity';
import { TaskWriter } from './task-writer';

/** A deliverable's task follows it: its changes (title, due date, weight, budget, manager) and its removal. */
@Injectable()
export class FollowDeliverableChanges {
  constructor(private readonly writer: TaskWriter) {}

  @HandleEvent(DeliverableChangedV1)
  async onDeliverableChanged(event: EventOf<typeof DeliverableChangedV1>, tx: EntityManager): Promise<void> {
    const { goalId, goalStatus, currency, deliverable } = event.data;
    const cause = causedBy(event);
    const goal = await lockGoalReadModel(tx, goalId, event.orgid);
    goal.status = mergeGoalStatus(goal.status, goalStatus);
    goal.currency ??= currency;
    await tx.save(goal);
    const task = await tx.findOne(Task, {
      where: { deliverableId: deliverable.deliverableId, orgId: event.orgid },
      lock: { mode: 'pessimistic_write' },
    });
    if (task) {
      await this.writer.follow(
        tx,
        task,
        {
          title: deliverable.title,
          dueDate: deliverable.dueDate,
          weight: deliverable.weight,
          plannedCostMinor: deliverable.budgetMinor,
          managerId: deliverable.managerId,
        },
        'deliverable.changed',
        cause,
      );
    } else if (goal.status === 'active') {
      // The activation or the addition never reached us (or not yet): the change says enough to make the task now.
      await this.writer.createFromDeliverable(tx, { goalId, currency: goal.currency! }, deliverable, cause);
    }
  }

  @HandleEvent(DeliverableRemovedV1)
  async onDeliverableRemoved(event: EventOf<typeof DeliverableRemovedV1>, tx: EntityManager): Promise<void> {
    const { goalId, deliverableId, reason, removedAt } = event.data;
    await tx
      .createQueryBuilder()
      .insert()
      .into(RemovedDeliverable)
      .values({ deliverableId, goalId, orgId: event.orgid, reason, removedAt: new Date(removedAt) })
      .orIgnore()
      .execute();
    const task = await tx.findOne(Task, {
      where: { deliverableId, orgId: event.orgid },
      lock: { mode: 'pessimistic_write' },
    });
    if (task) await this.writer.cancel(tx, task, `Deliverable removed: ${reason}`, causedBy(event));
  }
}
