import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { TaskStatusChangedV1 } from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { Actor, DomainError, notFound, page, Page } from '@throughline/service-kit';
import { ChangeTaskStatusDto, TaskListQueryDto, TaskView, TaskWithHistoryView } from './dto/task.dto';
import { TaskHistoryEntry } from './task-history-entry.entity';
import { recordHistory } from './task-history';
import { transition } from './task-state-machine';
import { Task } from './task.entity';

@Injectable()
export class TasksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
  ) {}

  /** Managers see their own tasks; the other roles see the organisation's. */
  async list(actor: Actor, query: TaskListQueryDto): Promise<Page<TaskView>> {
    const where: FindOptionsWhere<Task> = { orgId: actor.orgId };
    if (actor.role === 'manager') where.managerId = actor.personId;
    if (query.status) where.status = query.status;
    if (query.goalId) where.goalId = query.goalId;
    const [tasks, total] = await this.dataSource.manager.findAndCount(Task, { where, order: { dueDate: { direction: 'ASC', nulls: 'LAST' }, createdAt: 'ASC', id: 'ASC' }, skip: query.offset, take: query.limit });
    return page(tasks.map(toView), total, query);
  }

  async get(actor: Actor, taskId: string): Promise<TaskWithHistoryView> {
    const task = await this.dataSource.manager.findOne(Task, { where: { id: taskId, orgId: actor.orgId } });
    if (!task || (actor.role === 'manager' && task.managerId !== actor.personId)) throw notFound('Task', taskId);
    const history = await this.dataSource.manager.find(TaskHistoryEntry, { where: { taskId }, order: { at: 'ASC', id: 'ASC' } });
    return {
      ...toView(task),
      history: history.map((entry) => ({ change: entry.change, details: entry.details, actorId: entry.actorId, correlationId: entry.correlationId, at: entry.at.toISOString() })),
    };
  }

  async changeStatus(actor: Actor, taskId: string, expectedVersion: number, input: ChangeTaskStatusDto, correlationId: string): Promise<TaskView> {
    return this.dataSource.transaction(async (tx) => {
      const task = await this.lockOwnTask(tx, actor, taskId, expectedVersion);
      const from = task.status;
      const next = transition(from, input.to, task.progress, input.reason);
      task.status = next.status;
      task.progress = next.progress;
      task.blockedReason = next.status === 'blocked' ? input.reason!.trim() : null;
      await tx.save(task);
      const reason = input.reason?.trim() || null;
      await recordHistory(tx, taskId, 'status', { from, to: next.status, reason }, { actorId: actor.personId, correlationId });
      await this.outbox.publish(
        tx,
        TaskStatusChangedV1,
        { taskId, goalId: task.goalId, managerId: task.managerId, from, to: next.status, reason, progress: next.progress, changedBy: actor.personId, changedAt: task.updatedAt.toISOString(), taskVersion: task.version },
        { orgId: actor.orgId, correlationId },
      );
      return toView(task);
    });
  }

  /** A manager changes only their own tasks; someone else's answers 404 so it reveals nothing. */
  private async lockOwnTask(tx: EntityManager, actor: Actor, taskId: string, expectedVersion: number): Promise<Task> {
    const task = await tx.findOne(Task, { where: { id: taskId, orgId: actor.orgId }, lock: { mode: 'pessimistic_write' } });
    if (!task) throw notFound('Task', taskId);
    if (task.managerId !== actor.personId) throw new DomainError('forbidden', `Task ${taskId} is assigned to another manager; only they can change it.`);
    if (task.version !== expectedVersion) throw new DomainError('stale', `Task ${taskId} is at version ${task.version}, not ${expectedVersion}: read it again and retry.`);
    return task;
  }
}

function toView(task: Task): TaskView {
  const { id, goalId, deliverableId, managerId, title, status, progress, dueDate, weight, currency, plannedCostMinor, origin, blockedReason, version } = task;
  return { id, goalId, deliverableId, managerId, title, status, progress, dueDate, weight, currency, plannedCostMinor, origin, blockedReason, version };
}
