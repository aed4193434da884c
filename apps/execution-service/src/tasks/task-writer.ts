import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TaskCreatedV1, TaskStatusChangedV1, TaskUpdatedV1 } from '@throughline/contracts';
import { EventOutbox, EventContext } from '@throughline/messaging';
import { RemovedDeliverable } from '../goals/removed-deliverable.entity';
import { recordHistory } from './task-history';
import { isOpen, transition } from './task-state-machine';
import { Task } from './task.entity';
import { taskCreatedData, taskStatusChangedData, taskUpdatedData } from './task-events';

export interface DeliverableFacts {
  deliverableId: string;
  managerId: string;
  title: string;
  dueDate: string;
  weight: number;
  budgetMinor: number;
}

/** What a deliverable or a budget revision may change on a task. */
export type FollowedFields = Partial<
  Pick<Task, 'title' | 'dueDate' | 'weight' | 'plannedCostMinor' | 'managerId' | 'currency'>
>;

/**
 * The changes the system makes to tasks on behalf of strategy events: each one saves the
 * task, appends its history and publishes its event in the caller's transaction.
 */
@Injectable()
export class TaskWriter {
  constructor(private readonly outbox: EventOutbox) {}

  /** A deliverable's task, once: the unique deliverable index turns a repeat into a no-op; a removed deliverable never comes back. */
  async createFromDeliverable(
    tx: EntityManager,
    goal: { goalId: string; currency: string },
    deliverable: DeliverableFacts,
    cause: EventContext,
  ): Promise<Task | null> {
    if (await tx.existsBy(RemovedDeliverable, { deliverableId: deliverable.deliverableId })) return null;
    const inserted = await tx
      .createQueryBuilder()
      .insert()
      .into(Task)
      .values({
        orgId: cause.orgId,
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
    if (!taskId) return null;
    const task = await tx.findOneByOrFail(Task, { id: taskId });
    await this.announceCreated(tx, task, { from: 'deliverable', deliverableId: deliverable.deliverableId }, cause);
    return task;
  }

  async announceCreated(
    tx: EntityManager,
    task: Task,
    details: Record<string, unknown>,
    cause: EventContext,
  ): Promise<void> {
    await recordHistory(
      tx,
      task.id,
      'created',
      { ...details, ...(cause.causationId ? { causedByEvent: cause.causationId } : {}) },
      cause,
    );
    await this.outbox.publish(tx, TaskCreatedV1, taskCreatedData(task), cause);
  }

  /** The task follows its deliverable or budget; nothing is written or published when nothing differs (a replay). */
  async follow(
    tx: EntityManager,
    task: Task,
    fields: FollowedFields,
    why: string,
    cause: EventContext,
  ): Promise<boolean> {
    if (task.status === 'cancelled') return false;
    // A finished task keeps its manager: the work was done by whoever did it.
    const applicable: FollowedFields = isOpen(task.status) ? fields : { ...fields, managerId: undefined };
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const [field, value] of Object.entries(applicable) as Array<[keyof FollowedFields, unknown]>) {
      if (value === undefined || task[field] === value) continue;
      changed[field] = { from: task[field], to: value };
      (task as unknown as Record<string, unknown>)[field] = value;
    }
    if (Object.keys(changed).length === 0) return false;
    await tx.save(task);
    await recordHistory(
      tx,
      task.id,
      'updated',
      { cause: why, changed, ...(cause.causationId ? { causedByEvent: cause.causationId } : {}) },
      cause,
    );
    await this.outbox.publish(tx, TaskUpdatedV1, taskUpdatedData(task, why), cause);
    return true;
  }

  /** Cancels an open task for a reason strategy gave (a deliverable removed, a goal closed); closed tasks stay as they are. */
  async cancel(tx: EntityManager, task: Task, reason: string, cause: EventContext): Promise<boolean> {
    if (!isOpen(task.status)) return false;
    const from = task.status;
    const next = transition(from, 'cancelled', task.progress, reason);
    task.status = next.status;
    task.progress = next.progress;
    task.blockedReason = null;
    task.cancellationReason = reason;
    await tx.save(task);
    await recordHistory(
      tx,
      task.id,
      'status',
      { from, to: 'cancelled', reason, ...(cause.causationId ? { causedByEvent: cause.causationId } : {}) },
      cause,
    );
    await this.outbox.publish(
      tx,
      TaskStatusChangedV1,
      taskStatusChangedData(task, from, reason, cause.actorId ?? null),
      cause,
    );
    return true;
  }
}
