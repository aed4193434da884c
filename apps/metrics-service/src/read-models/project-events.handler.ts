import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CloudEvent, EventOf, GoalActivatedV1, TaskCreatedV1, TaskStatusChangedV1 } from '@throughline/contracts';
import { HandleEvent } from '@throughline/messaging';
import { AlignmentService } from '../alignment/alignment.service';
import { GoalReadModel } from './goal-read-model.entity';
import { TaskReadModel } from './task-read-model.entity';

/** Keeps metrics' read models current from both streams and rescores what an event touched. */
@Injectable()
export class ProjectEventsHandler {
  constructor(private readonly alignment: AlignmentService) {}

  @HandleEvent(GoalActivatedV1)
  async goalActivated(event: EventOf<typeof GoalActivatedV1>, tx: EntityManager): Promise<void> {
    const goal = event.data;
    await tx.upsert(
      GoalReadModel,
      { goalId: goal.goalId, orgId: event.orgid, title: goal.title, parentGoalId: goal.parentGoalId, orgUnitId: goal.orgUnitId, status: 'active', periodStart: goal.periodStart, periodEnd: goal.periodEnd, weight: goal.weight, currency: goal.currency, budgetMinor: goal.budgetMinor },
      ['goalId'],
    );
    await this.rescore(tx, goal.goalId, event);
  }

  @HandleEvent(TaskCreatedV1)
  async taskCreated(event: EventOf<typeof TaskCreatedV1>, tx: EntityManager): Promise<void> {
    const task = event.data;
    await tx
      .createQueryBuilder()
      .insert()
      .into(TaskReadModel)
      .values({ taskId: task.taskId, orgId: event.orgid, goalId: task.goalId, managerId: task.managerId, status: task.status, progress: 0, weight: task.weight, dueDate: task.dueDate, plannedCostMinor: task.plannedCostMinor, taskVersion: 1 })
      .orIgnore()
      .execute();
    if (task.goalId) await this.rescore(tx, task.goalId, event);
  }

  @HandleEvent(TaskStatusChangedV1)
  async taskStatusChanged(event: EventOf<typeof TaskStatusChangedV1>, tx: EntityManager): Promise<void> {
    const change = event.data;
    const result = await tx
      .createQueryBuilder()
      .update(TaskReadModel)
      .set({ status: change.to, progress: change.progress, taskVersion: change.taskVersion })
      .where('task_id = :taskId AND task_version < :version', { taskId: change.taskId, version: change.taskVersion })
      .execute();
    if (result.affected && change.goalId) await this.rescore(tx, change.goalId, event);
  }

  private rescore(tx: EntityManager, goalId: string, event: CloudEvent): Promise<void> {
    return this.alignment.recomputeGoal(tx, goalId, new Date(event.time), { orgId: event.orgid, correlationId: event.correlationid, causationId: event.id });
  }
}
