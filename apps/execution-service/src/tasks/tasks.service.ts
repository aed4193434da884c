import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import {
  TaskCostRecordedV1,
  TaskHoursRecordedV1,
  TaskProgressReportedV1,
  TaskQualityIssueRecordedV1,
  TaskStatusChangedV1,
} from '@throughline/contracts';
import { EventOutbox, GuardedChange } from '@throughline/messaging';
import { Actor, notFound, page, Page, forbidden, stale, assertVersion, actedBy, Sheet } from '@throughline/service-kit';
import { GoalReadModel } from '../goals/goal-read-model.entity';
import { todayUtc } from '../shared/today';
import {
  ChangeTaskStatusDto,
  CreateTaskDto,
  RecordCostDto,
  RecordHoursDto,
  RecordQualityIssueDto,
  ReportProgressDto,
  TaskEntryRecordedView,
  TaskListQueryDto,
  TaskView,
  TaskWithHistoryView,
  TaskExportQueryDto,
} from './dto/task.dto';
import { TaskHistoryEntry } from './task-history-entry.entity';
import { TaskCostEntry, TaskHoursEntry, TaskQualityIssue } from './task-report-entries.entity';
import { assertCostCurrency, assertNotInFuture, assertReportable, checkNewTaskLink } from './task.rules';
import { OPEN_STATUSES, transition } from './task-state-machine';
import { Task } from './task.entity';
import { taskStatusChangedData } from './task-events';
import { TaskWriter } from './task-writer';
import { OwnTaskWrite, ownTaskWrite, readOwnTask } from './own-task-write';
import { inView, TaskVisibility } from '../access/task-visibility';

/** A task sheet's columns, in order: what a director reviews in a spreadsheet. */
const TASK_EXPORT_COLUMNS = [
  'id',
  'title',
  'status',
  'progress',
  'dueDate',
  'goalId',
  'deliverableId',
  'managerId',
  'origin',
  'unlinkedReason',
  'weight',
  'currency',
  'plannedCostMinor',
  'actualCostMinor',
  'minutesWorked',
  'qualityIssueCount',
  'blockedReason',
  'cancellationReason',
] as const satisfies ReadonlyArray<keyof TaskView>;
const EXPORT_PAGE = 200;

/** The task fields a manager's change writes. */
type OwnTaskFields = Partial<
  Pick<
    Task,
    | 'status'
    | 'progress'
    | 'blockedReason'
    | 'cancellationReason'
    | 'actualCostMinor'
    | 'minutesWorked'
    | 'qualityIssueCount'
  >
>;

/** One change a manager makes to their task: the fields to write, what to write to history, and the one event to publish with it. */
interface OwnTaskChange<R> {
  set: OwnTaskFields;
  change: string;
  details: Record<string, unknown>;
  /** What the change records besides the task, every column given (its id and time are chosen here, not by the database). */
  entry?: OwnTaskWrite['entry'];
  /**
   * Publishes the change's one event, built from the task as it will be saved (its new version),
   * in one statement with the write (`onlyIf`); false if the task moved on and nothing was written.
   */
  publish: (saved: Task, onlyIf: GuardedChange) => Promise<boolean>;
  result: (saved: Task) => R;
}

@Injectable()
export class TasksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
    private readonly writer: TaskWriter,
    private readonly visibility: TaskVisibility,
  ) {}

  /** Managers see their own tasks, directors those of everyone reporting to them, admins and integrators the organisation's. */
  async list(actor: Actor, query: TaskListQueryDto): Promise<Page<TaskView>> {
    const qb = this.dataSource.manager
      .createQueryBuilder(Task, 'task')
      .where('task.org_id = :orgId', { orgId: actor.orgId });
    const managersInView = await this.visibility.managersInView(this.dataSource.manager, actor);
    if (managersInView !== 'all') qb.andWhere('task.manager_id = ANY(:managersInView)', { managersInView });
    if (actor.role !== 'manager' && query.managerId)
      qb.andWhere('task.manager_id = :managerId', { managerId: query.managerId });
    if (actor.role !== 'manager' && query.reportingTo) {
      qb.andWhere(
        `task.manager_id IN (WITH RECURSIVE line AS (
           SELECT person_id FROM person_rm WHERE org_id = :orgId AND reports_to_id = :boss
           UNION SELECT p.person_id FROM person_rm p JOIN line ON p.reports_to_id = line.person_id WHERE p.org_id = :orgId)
         SELECT person_id FROM line)`,
        { boss: query.reportingTo },
      );
    }
    if (query.status) qb.andWhere('task.status = :status', { status: query.status });
    if (query.goalId) qb.andWhere('task.goal_id = :goalId', { goalId: query.goalId });
    if (query.linked !== undefined) qb.andWhere(query.linked ? 'task.goal_id IS NOT NULL' : 'task.goal_id IS NULL');
    if (query.dueBefore) qb.andWhere('task.due_date < :dueBefore', { dueBefore: query.dueBefore });
    if (query.overdue !== undefined) {
      const overdue = new Brackets((where) =>
        where
          .where('task.status IN (:...open)', { open: OPEN_STATUSES })
          .andWhere('task.due_date < :today', { today: todayUtc() }),
      );
      if (query.overdue) qb.andWhere(overdue);
      else
        qb.andWhere(
          new Brackets((where) =>
            where
              .where('task.status NOT IN (:...open)', { open: OPEN_STATUSES })
              .orWhere('task.due_date IS NULL')
              .orWhere('task.due_date >= :today', { today: todayUtc() }),
          ),
        );
    }
    const [tasks, total] = await qb
      .orderBy('task.due_date', 'ASC', 'NULLS LAST')
      .addOrderBy('task.created_at', 'ASC')
      .addOrderBy('task.id', 'ASC')
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    return page(tasks.map(toView), total, query);
  }

  /** Every task the list would show, page after page, as one sheet. */
  async exportSheet(actor: Actor, query: TaskExportQueryDto): Promise<Sheet> {
    const tasks: TaskView[] = [];
    for (let offset = 0; ; offset += EXPORT_PAGE) {
      const page = await this.list(actor, { ...query, limit: EXPORT_PAGE, offset });
      tasks.push(...page.items);
      if (offset + EXPORT_PAGE >= page.page.total) break;
    }
    return {
      name: 'Tasks',
      columns: TASK_EXPORT_COLUMNS.map((key) => ({ key, width: key === 'title' ? 40 : undefined })),
      rows: tasks.map((task) => Object.fromEntries(TASK_EXPORT_COLUMNS.map((key) => [key, task[key] ?? null]))),
    };
  }

  async get(actor: Actor, taskId: string): Promise<TaskWithHistoryView> {
    const task = await this.dataSource.manager.findOne(Task, { where: { id: taskId, orgId: actor.orgId } });
    if (!task || !inView(await this.visibility.managersInView(this.dataSource.manager, actor), task.managerId))
      throw notFound('Task', taskId);
    const history = await this.dataSource.manager.find(TaskHistoryEntry, {
      where: { taskId },
      order: { at: 'ASC', id: 'ASC' },
    });
    return {
      ...toView(task),
      history: history.map((entry) => ({
        change: entry.change,
        details: entry.details,
        actorId: entry.actorId,
        correlationId: entry.correlationId,
        at: entry.at.toISOString(),
      })),
    };
  }

  /** A manager's own extra task: linked to an active goal, or explicitly unlinked with a reason. */
  async create(actor: Actor, input: CreateTaskDto, correlationId: string): Promise<TaskView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = input.linkedGoalId
        ? await tx.findOne(GoalReadModel, { where: { goalId: input.linkedGoalId, orgId: actor.orgId } })
        : null;
      const link = checkNewTaskLink(
        { linkedGoalId: input.linkedGoalId, unlinkedReason: input.unlinkedReason, currency: input.currency },
        goal,
      );
      const task = await tx.save(
        tx.create(Task, {
          orgId: actor.orgId,
          goalId: link.goalId,
          deliverableId: null,
          managerId: actor.personId,
          title: input.title.trim(),
          status: 'todo',
          progress: 0,
          dueDate: input.dueDate ?? null,
          weight: input.weight ?? 1,
          currency: link.currency,
          plannedCostMinor: input.plannedCostMinor ?? 0,
          origin: 'manager',
          unlinkedReason: link.unlinkedReason,
          createdBy: actor.personId,
        }),
      );
      await this.writer.announceCreated(
        tx,
        task,
        { from: 'manager', linkedGoalId: link.goalId, unlinkedReason: link.unlinkedReason },
        actedBy(actor, correlationId),
      );
      return toView(task);
    });
  }

  async changeStatus(
    actor: Actor,
    taskId: string,
    expectedVersion: number,
    input: ChangeTaskStatusDto,
    correlationId: string,
  ): Promise<TaskView> {
    return this.changeOwnTask(actor, taskId, expectedVersion, correlationId, (task) => {
      const from = task.status;
      const next = transition(from, input.to, task.progress, input.reason);
      const reason = input.reason?.trim() || null;
      return {
        set: {
          status: next.status,
          progress: next.progress,
          blockedReason: next.status === 'blocked' ? reason : null,
          cancellationReason: next.status === 'cancelled' ? reason : null,
        },
        change: 'status',
        details: { from, to: next.status, reason },
        publish: (saved, onlyIf) =>
          this.outbox.publish(
            this.dataSource.manager,
            TaskStatusChangedV1,
            taskStatusChangedData(saved, from, reason, actor.personId),
            actedBy(actor, correlationId),
            { onlyIf },
          ),
        result: toView,
      };
    });
  }

  async reportProgress(
    actor: Actor,
    taskId: string,
    expectedVersion: number,
    input: ReportProgressDto,
    correlationId: string,
  ): Promise<TaskView> {
    return this.changeOwnTask(actor, taskId, expectedVersion, correlationId, (task) => {
      assertReportable(task.status, 'progress');
      const from = task.progress;
      const note = input.note?.trim() || null;
      return {
        set: { progress: input.progress },
        change: 'progress',
        details: { from, to: input.progress, note },
        publish: (saved, onlyIf) =>
          this.outbox.publish(
            this.dataSource.manager,
            TaskProgressReportedV1,
            {
              taskId,
              goalId: saved.goalId,
              managerId: saved.managerId,
              progress: saved.progress,
              note,
              reportedBy: actor.personId,
              reportedAt: saved.updatedAt.toISOString(),
              taskVersion: saved.version,
            },
            { orgId: actor.orgId, correlationId },
            { onlyIf },
          ),
        result: toView,
      };
    });
  }

  async recordCost(
    actor: Actor,
    taskId: string,
    expectedVersion: number,
    input: RecordCostDto,
    correlationId: string,
  ): Promise<TaskEntryRecordedView> {
    return this.changeOwnTask(actor, taskId, expectedVersion, correlationId, (task, at) => {
      assertReportable(task.status, 'cost');
      assertCostCurrency(task.currency, input.currency);
      assertNotInFuture(input.incurredOn, todayUtc(), 'incurredOn');
      const description = input.description.trim();
      const entry = this.dataSource.manager.create(TaskCostEntry, {
        id: randomUUID(),
        taskId,
        orgId: actor.orgId,
        currency: input.currency,
        amountMinor: input.amountMinor,
        description,
        incurredOn: input.incurredOn,
        recordedBy: actor.personId,
        recordedAt: at,
      });
      return {
        set: { actualCostMinor: task.actualCostMinor + input.amountMinor },
        entry: { target: TaskCostEntry, value: entry },
        change: 'cost',
        details: {
          entryId: entry.id,
          currency: entry.currency,
          amountMinor: entry.amountMinor,
          description,
          incurredOn: entry.incurredOn,
        },
        publish: (saved, onlyIf) =>
          this.outbox.publish(
            this.dataSource.manager,
            TaskCostRecordedV1,
            {
              taskId,
              goalId: saved.goalId,
              managerId: saved.managerId,
              entryId: entry.id,
              currency: entry.currency,
              amountMinor: entry.amountMinor,
              description,
              incurredOn: entry.incurredOn,
              recordedBy: actor.personId,
              recordedAt: entry.recordedAt.toISOString(),
            },
            { orgId: actor.orgId, correlationId },
            { onlyIf },
          ),
        result: (saved) => ({ entryId: entry.id, task: toView(saved) }),
      };
    });
  }

  async recordHours(
    actor: Actor,
    taskId: string,
    expectedVersion: number,
    input: RecordHoursDto,
    correlationId: string,
  ): Promise<TaskEntryRecordedView> {
    return this.changeOwnTask(actor, taskId, expectedVersion, correlationId, (task, at) => {
      assertReportable(task.status, 'hours');
      assertNotInFuture(input.workedOn, todayUtc(), 'workedOn');
      const note = input.note?.trim() || null;
      const entry = this.dataSource.manager.create(TaskHoursEntry, {
        id: randomUUID(),
        taskId,
        orgId: actor.orgId,
        minutes: input.minutes,
        workedOn: input.workedOn,
        note,
        recordedBy: actor.personId,
        recordedAt: at,
      });
      return {
        set: { minutesWorked: task.minutesWorked + input.minutes },
        entry: { target: TaskHoursEntry, value: entry },
        change: 'hours',
        details: { entryId: entry.id, minutes: entry.minutes, workedOn: entry.workedOn, note },
        publish: (saved, onlyIf) =>
          this.outbox.publish(
            this.dataSource.manager,
            TaskHoursRecordedV1,
            {
              taskId,
              goalId: saved.goalId,
              managerId: saved.managerId,
              entryId: entry.id,
              minutes: entry.minutes,
              workedOn: entry.workedOn,
              note,
              recordedBy: actor.personId,
              recordedAt: entry.recordedAt.toISOString(),
            },
            { orgId: actor.orgId, correlationId },
            { onlyIf },
          ),
        result: (saved) => ({ entryId: entry.id, task: toView(saved) }),
      };
    });
  }

  async recordQualityIssue(
    actor: Actor,
    taskId: string,
    expectedVersion: number,
    input: RecordQualityIssueDto,
    correlationId: string,
  ): Promise<TaskEntryRecordedView> {
    return this.changeOwnTask(actor, taskId, expectedVersion, correlationId, (task, at) => {
      assertReportable(task.status, 'quality issue');
      const description = input.description.trim();
      const issue = this.dataSource.manager.create(TaskQualityIssue, {
        id: randomUUID(),
        taskId,
        orgId: actor.orgId,
        kind: input.kind,
        severity: input.severity,
        description,
        recordedBy: actor.personId,
        recordedAt: at,
      });
      return {
        set: { qualityIssueCount: task.qualityIssueCount + 1 },
        entry: { target: TaskQualityIssue, value: issue },
        change: 'quality-issue',
        details: { issueId: issue.id, kind: issue.kind, severity: issue.severity, description },
        publish: (saved, onlyIf) =>
          this.outbox.publish(
            this.dataSource.manager,
            TaskQualityIssueRecordedV1,
            {
              taskId,
              goalId: saved.goalId,
              managerId: saved.managerId,
              issueId: issue.id,
              kind: issue.kind,
              severity: issue.severity,
              description,
              recordedBy: actor.personId,
              recordedAt: issue.recordedAt.toISOString(),
            },
            { orgId: actor.orgId, correlationId },
            { onlyIf },
          ),
        result: (saved) => ({ entryId: issue.id, task: toView(saved) }),
      };
    });
  }

  /**
   * Every manager write on a task: read it, check it is theirs and unchanged since they read it,
   * apply the change's rules, then write the fields, the version bump, history, any entry and
   * exactly one event in one statement that applies only if the task is still at the version
   * read — nothing is half-written, and two round trips in all (a read and a write).
   */
  private async changeOwnTask<R>(
    actor: Actor,
    taskId: string,
    expectedVersion: number,
    correlationId: string,
    apply: (task: Task, at: Date) => OwnTaskChange<R>,
  ): Promise<R> {
    const task = await readOwnTask(this.dataSource, taskId, actor.orgId);
    // Checked after the lookup, so another organisation's task answers 404 whatever the role (docs/security.md).
    if (task && actor.role !== 'manager')
      throw forbidden(`Only the task's manager changes it; your token has role ${actor.role}.`);
    // Another manager's task answers 404, as it does on reads: a manager cannot probe which tasks exist.
    if (!task || task.managerId !== actor.personId) throw notFound('Task', taskId);
    assertVersion(`Task ${taskId}`, task.version, expectedVersion);
    const at = new Date();
    const change = apply(task, at);
    const readVersion = task.version;
    const saved = Object.assign(task, change.set, { version: readVersion + 1, updatedAt: at });
    const write = ownTaskWrite(this.dataSource, {
      taskId,
      readVersion,
      set: change.set,
      at,
      history: { change: change.change, details: change.details, cause: actedBy(actor, correlationId) },
      entry: change.entry,
    });
    if (!(await change.publish(saved, write)))
      throw stale(`Task ${taskId} changed while it was being written: read it again and retry.`);
    return change.result(saved);
  }
}

export function toView(task: Task): TaskView {
  const {
    id,
    goalId,
    deliverableId,
    managerId,
    title,
    status,
    progress,
    dueDate,
    weight,
    currency,
    plannedCostMinor,
    actualCostMinor,
    minutesWorked,
    qualityIssueCount,
    origin,
    unlinkedReason,
    blockedReason,
    cancellationReason,
    version,
  } = task;
  return {
    id,
    goalId,
    deliverableId,
    managerId,
    title,
    status,
    progress,
    dueDate,
    weight,
    currency,
    plannedCostMinor,
    actualCostMinor,
    minutesWorked,
    qualityIssueCount,
    origin,
    unlinkedReason,
    blockedReason,
    cancellationReason,
    version,
  };
}
