import { Static } from '@sinclair/typebox';
import { TaskCreatedV1, TaskStatus, TaskStatusChangedV1, TaskUpdatedV1 } from '@throughline/contracts';
import { Task } from './task.entity';

/** The task.created payload of a task row: one mapping for every way a task comes to exist. */
export function taskCreatedData(task: Task): Static<typeof TaskCreatedV1.schema> {
  return {
    taskId: task.id,
    goalId: task.goalId,
    deliverableId: task.deliverableId,
    managerId: task.managerId,
    title: task.title,
    status: task.status,
    dueDate: task.dueDate,
    weight: task.weight,
    currency: task.currency,
    plannedCostMinor: task.plannedCostMinor,
    origin: task.origin,
    unlinkedReason: task.unlinkedReason,
    createdBy: task.createdBy,
    createdAt: task.createdAt.toISOString(),
  };
}

export function taskUpdatedData(task: Task, cause: string): Static<typeof TaskUpdatedV1.schema> {
  return {
    taskId: task.id,
    goalId: task.goalId,
    managerId: task.managerId,
    title: task.title,
    dueDate: task.dueDate,
    weight: task.weight,
    currency: task.currency,
    plannedCostMinor: task.plannedCostMinor,
    cause,
    updatedAt: task.updatedAt.toISOString(),
    taskVersion: task.version,
  };
}

/** A task moved from `from` to its current status, by `changedBy` (null: the system, following strategy). */
export function taskStatusChangedData(
  task: Task,
  from: TaskStatus,
  reason: string | null,
  changedBy: string | null,
): Static<typeof TaskStatusChangedV1.schema> {
  return {
    taskId: task.id,
    goalId: task.goalId,
    managerId: task.managerId,
    from,
    to: task.status,
    reason,
    progress: task.progress,
    changedBy,
    changedAt: task.updatedAt.toISOString(),
    taskVersion: task.version,
  };
}
