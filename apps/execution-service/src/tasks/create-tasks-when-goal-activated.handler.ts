import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventOf, GoalActivatedV1, TaskCreatedV1 } from '@throughline/contracts';
import { EventOutbox, HandleEvent } from '@throughline/messaging';
import { KnownGoal } from '../goals/known-goal.entity';
import { recordHistory } from './task-history';
import { Task } from './task.entity';
import { taskCreatedData } from './task-events';

/** Each deliverable of an activated goal becomes a task for its manager, once. */
@Injectable()
export class CreateTasksWhenGoalActivated {
  constructor(private readonly outbox: EventOutbox) {}

  @HandleEvent(GoalActivatedV1)
  async handle(event: EventOf<typeof GoalActivatedV1>, tx: EntityManager): Promise<void> {
    const goal = event.data;
    await tx.upsert(KnownGoal, { goalId: goal.goalId, orgId: event.orgid, title: goal.title, status: 'active', currency: goal.currency }, ['goalId']);
    const context = { orgId: event.orgid, correlationId: event.correlationid, causationId: event.id };
    for (const deliverable of goal.deliverables) {
      // The unique deliverable index makes a replayed activation (even under a new event id) a no-op.
      const inserted = await tx
        .createQueryBuilder()
        .insert()
        .into(Task)
        .values({
          orgId: event.orgid,
          goalId: goal.goalId,
          deliverableId: deliverable.deliverableId,
          managerId: deliverable.managerId,
          title: deliverable.title,
          status: 'todo',
          progress: 0,
          dueDate: deliverable.dueDate,
          weight: deliverable.weight,
          currency: goal.currency,
          plannedCostMinor: deliverable.budgetMinor,
          origin: 'deliverable',
        })
        .orIgnore()
        .returning('id')
        .execute();
      const taskId: string | undefined = inserted.raw[0]?.id;
      if (!taskId) continue;
      const task = await tx.findOneByOrFail(Task, { id: taskId });
      await recordHistory(tx, task.id, 'created', { from: 'deliverable', deliverableId: deliverable.deliverableId, goalEventId: event.id }, { actorId: null, correlationId: event.correlationid });
      await this.outbox.publish(tx, TaskCreatedV1, taskCreatedData(task), context);
    }
  }
}

