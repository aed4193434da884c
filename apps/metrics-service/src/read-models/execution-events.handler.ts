import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  EventOf,
  KeyResultCheckedInV1,
  TaskCostRecordedV1,
  TaskCreatedV1,
  TaskHoursRecordedV1,
  TaskProgressReportedV1,
  TaskQualityIssueRecordedV1,
  TaskStatusChangedV1,
  TaskUpdatedV1,
} from '@throughline/contracts';
import { eventsOfTransaction, HandleEvent, otherOrganisation } from '@throughline/messaging';
import { ContributionLedger } from '../scoring/contribution-ledger.service';
import { ScoringEngine } from '../scoring/scoring-engine.service';
import { ScoringRun } from '../scoring/scoring-run';
import { TaskRef, TaskRow } from '../scoring/task-rows';
import { weightMilli } from '../scoring/contribution-formula';
import { applyInRun } from './apply-in-run';
import { EntryTable, recordedFirstTime } from './recorded-entries';
import { StrategyEventsHandler } from './strategy-events.handler';
import { ensurePlaceholder } from './same-organisation';

/**
 * Tasks, their reports and key-result check-ins, from execution's tasks topic. A task's
 * details, status and progress each carry their own version, so events of one task may
 * arrive in any order (or twice) and the newest of each wins; entries count once by id.
 */
@Injectable()
export class ExecutionEventsHandler {
  constructor(
    private readonly engine: ScoringEngine,
    private readonly ledger: ContributionLedger,
  ) {}

  /** A task whose title changed is renamed in the explanations that name it (where it now counts). */
  private async renamedIfSo(
    run: ScoringRun,
    updated: Array<{ previous_title: string | null }>,
    title: string,
    taskId: string,
  ): Promise<void> {
    if (updated.length === 0 || updated[0].previous_title === title) return;
    const [task] = await run.tx.query(`SELECT goal_id, manager_id FROM task_rm WHERE task_id = $1`, [taskId]);
    await this.ledger.renamed(run, { kind: 'task', goalId: task.goal_id, managerId: task.manager_id });
  }

  private async ensureGoal(run: ScoringRun, goalId: string | null): Promise<void> {
    if (!goalId || run.memory.ensured.has(`goal:${goalId}`)) return;
    await StrategyEventsHandler.ensureGoal(run.tx, goalId, run.orgId);
    run.memory.ensured.add(`goal:${goalId}`);
  }

  /** The task row, as a placeholder if its creation has not arrived yet. */
  private async ensureTask(run: ScoringRun, taskId: string, goalId: string | null, managerId: string): Promise<void> {
    await this.ensureGoal(run, goalId);
    if (run.memory.ensured.has(`task:${taskId}`)) return;
    await ensurePlaceholder(run.tx, 'task', taskId, run.orgId, { goal_id: goalId, manager_id: managerId });
    run.memory.ensured.add(`task:${taskId}`);
  }

  /**
   * The task held in the run, as a placeholder if its creation has not arrived yet. The first
   * task the run needs brings in every task its transaction's events name, in one statement.
   */
  private async heldTask(run: ScoringRun, task: TaskRef): Promise<TaskRow> {
    await this.ensureGoal(run, task.goalId);
    if (!run.memory.tasks.held(task.taskId))
      await run.memory.tasks.ensure(run.tx, run.orgId, [task, ...tasksAhead(run)]);
    const row = run.memory.tasks.held(task.taskId)!;
    if (row.orgId !== run.orgId) throw otherOrganisation('task', task.taskId, run.orgId);
    return row;
  }

  @HandleEvent(TaskCreatedV1)
  async taskCreated(event: EventOf<typeof TaskCreatedV1>, tx: EntityManager): Promise<void> {
    const task = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      await this.ensureTask(run, task.taskId, task.goalId, task.managerId);
      const [renamed]: [Array<{ previous_title: string | null }>, number] = await tx.query(
        `WITH previous AS (SELECT title FROM task_rm WHERE task_id = $1)
         UPDATE task_rm SET known = true, deliverable_id = $2, origin = $3, created_at = $4, start_date = $4::timestamptz::date, title = $5,
           goal_id = CASE WHEN details_version < 1 THEN $6::uuid ELSE goal_id END, manager_id = CASE WHEN details_version < 1 THEN $7::uuid ELSE manager_id END,
           weight_milli = CASE WHEN details_version < 1 THEN $8 ELSE weight_milli END, due_date = CASE WHEN details_version < 1 THEN $9::date ELSE due_date END,
           planned_cost_minor = CASE WHEN details_version < 1 THEN $10 ELSE planned_cost_minor END, details_version = GREATEST(details_version, 1),
           status = CASE WHEN status_version < 1 THEN $11 ELSE status END, status_version = GREATEST(status_version, 1)
         WHERE task_id = $1 RETURNING (SELECT title FROM previous) AS previous_title`,
        [
          task.taskId,
          task.deliverableId,
          task.origin,
          task.createdAt,
          task.title,
          task.goalId,
          task.managerId,
          weightMilli(task.weight),
          task.dueDate,
          task.plannedCostMinor,
          task.status,
        ],
      );
      await this.ledger.recontributeTask(run, task.taskId);
      await this.renamedIfSo(run, renamed, task.title, task.taskId);
    });
  }

  @HandleEvent(TaskUpdatedV1)
  async taskUpdated(event: EventOf<typeof TaskUpdatedV1>, tx: EntityManager): Promise<void> {
    const task = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      await this.ensureTask(run, task.taskId, task.goalId, task.managerId);
      const [renamed]: [Array<{ previous_title: string | null }>, number] = await tx.query(
        `WITH previous AS (SELECT title FROM task_rm WHERE task_id = $1)
         UPDATE task_rm SET title = $2, goal_id = $3, manager_id = $4, weight_milli = $5, due_date = $6, planned_cost_minor = $7, details_version = $8
         WHERE task_id = $1 AND details_version < $8 RETURNING (SELECT title FROM previous) AS previous_title`,
        [
          task.taskId,
          task.title,
          task.goalId,
          task.managerId,
          weightMilli(task.weight),
          task.dueDate,
          task.plannedCostMinor,
          task.taskVersion,
        ],
      );
      await this.ledger.recontributeTask(run, task.taskId);
      await this.renamedIfSo(run, renamed, task.title, task.taskId);
    });
  }

  @HandleEvent(TaskStatusChangedV1)
  async taskStatusChanged(event: EventOf<typeof TaskStatusChangedV1>, tx: EntityManager): Promise<void> {
    const change = event.data;
    await applyInRun(
      this.engine,
      tx,
      event,
      async (run) => {
        const task = await this.heldTask(run, change);
        if (task.statusVersion < change.taskVersion)
          Object.assign(task, {
            status: change.to,
            statusVersion: change.taskVersion,
            completedAt: change.to === 'done' ? change.changedAt : null,
          });
        if (task.progressVersion < change.taskVersion)
          Object.assign(task, { progress: change.progress, progressVersion: change.taskVersion });
        run.memory.tasks.touch(task);
        await this.ledger.recontributeTask(run, change.taskId);
      },
      { heldTasks: true },
    );
  }

  @HandleEvent(TaskProgressReportedV1)
  async progressReported(event: EventOf<typeof TaskProgressReportedV1>, tx: EntityManager): Promise<void> {
    const report = event.data;
    await applyInRun(
      this.engine,
      tx,
      event,
      async (run) => {
        const task = await this.heldTask(run, report);
        if (task.progressVersion < report.taskVersion)
          Object.assign(task, { progress: report.progress, progressVersion: report.taskVersion });
        run.memory.tasks.touch(task);
        await this.ledger.recontributeTask(run, report.taskId);
      },
      { heldTasks: true },
    );
  }

  @HandleEvent(TaskCostRecordedV1)
  async costRecorded(event: EventOf<typeof TaskCostRecordedV1>, tx: EntityManager): Promise<void> {
    const cost = event.data;
    await applyInRun(
      this.engine,
      tx,
      event,
      async (run) => {
        const task = await this.heldTask(run, cost);
        const ahead = eventsAhead(run, TaskCostRecordedV1.type).map((other) => other.data as CostRecorded);
        if (!(await recordedFirstTime(tx, run.orgId, COST_ENTRIES, cost, ahead))) return;
        task.actualCostMinor += cost.amountMinor;
        run.memory.tasks.touch(task);
        await this.ledger.recontributeTask(run, cost.taskId);
      },
      { heldTasks: true },
    );
  }

  @HandleEvent(TaskHoursRecordedV1)
  async hoursRecorded(event: EventOf<typeof TaskHoursRecordedV1>, tx: EntityManager): Promise<void> {
    const hours = event.data;
    await applyInRun(
      this.engine,
      tx,
      event,
      async (run) => {
        const task = await this.heldTask(run, hours);
        const ahead = eventsAhead(run, TaskHoursRecordedV1.type).map((other) => other.data as HoursRecorded);
        if (!(await recordedFirstTime(tx, run.orgId, HOURS_ENTRIES, hours, ahead))) return;
        task.minutes += hours.minutes;
        run.memory.tasks.touch(task);
        await this.ledger.recontributeTask(run, hours.taskId);
      },
      { heldTasks: true },
    );
  }

  /** Quality issues feed the managers' defect and rework KPIs, not the score. */
  @HandleEvent(TaskQualityIssueRecordedV1)
  async qualityIssueRecorded(event: EventOf<typeof TaskQualityIssueRecordedV1>, tx: EntityManager): Promise<void> {
    const issue = event.data;
    await applyInRun(
      this.engine,
      tx,
      event,
      async (run) => {
        await this.heldTask(run, issue);
        await tx.query(
          `INSERT INTO quality_issue (issue_id, org_id, task_id, goal_id, manager_id, kind, severity, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (issue_id) DO NOTHING`,
          [
            issue.issueId,
            run.orgId,
            issue.taskId,
            issue.goalId,
            issue.managerId,
            issue.kind,
            issue.severity,
            issue.recordedAt,
          ],
        );
      },
      { heldTasks: true },
    );
  }

  /** The latest measurement (by the day measured) is the key result's current value; it may arrive before the key result. */
  @HandleEvent(KeyResultCheckedInV1)
  async keyResultCheckedIn(event: EventOf<typeof KeyResultCheckedInV1>, tx: EntityManager): Promise<void> {
    const checkIn = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      const inserted = await tx.query(
        `INSERT INTO key_result_check_in (check_in_id, org_id, key_result_id, goal_id, manager_id, value, measured_on, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (check_in_id) DO NOTHING RETURNING check_in_id`,
        [
          checkIn.checkInId,
          run.orgId,
          checkIn.keyResultId,
          checkIn.goalId,
          checkIn.managerId,
          checkIn.value,
          checkIn.measuredOn,
          checkIn.recordedAt,
        ],
      );
      if (inserted.length > 0) run.checkedIn.add(checkIn.keyResultId);
    });
  }
}

/** The events that name a task (and make sure of it with the goal and manager they carry). */
const TASK_NAMING_TYPES = new Set<string>(
  [
    TaskCreatedV1,
    TaskUpdatedV1,
    TaskStatusChangedV1,
    TaskProgressReportedV1,
    TaskCostRecordedV1,
    TaskHoursRecordedV1,
    TaskQualityIssueRecordedV1,
  ].map((definition) => definition.type),
);

/** The events of the run's transaction (of the given types), in their order. */
function eventsAhead(run: ScoringRun, ...types: string[]) {
  return eventsOfTransaction(run.tx).filter((event) => event.orgid === run.orgId && types.includes(event.type));
}

/** The tasks named by the events of the run's transaction, in their order. */
function tasksAhead(run: ScoringRun): TaskRef[] {
  return eventsAhead(run, ...TASK_NAMING_TYPES).map((event) => event.data as TaskRef);
}

type CostRecorded = EventOf<typeof TaskCostRecordedV1>['data'];
type HoursRecorded = EventOf<typeof TaskHoursRecordedV1>['data'];

const COST_ENTRIES: EntryTable<CostRecorded> = {
  table: 'cost_entry',
  columns: [
    ['entry_id', 'uuid'],
    ['org_id', 'uuid'],
    ['task_id', 'uuid'],
    ['goal_id', 'uuid'],
    ['manager_id', 'uuid'],
    ['amount_minor', 'bigint'],
    ['currency', 'text'],
    ['incurred_on', 'date'],
    ['recorded_at', 'timestamptz'],
  ],
  values: (cost, orgId) => [
    cost.entryId,
    orgId,
    cost.taskId,
    cost.goalId,
    cost.managerId,
    cost.amountMinor,
    cost.currency,
    cost.incurredOn,
    cost.recordedAt,
  ],
};

const HOURS_ENTRIES: EntryTable<HoursRecorded> = {
  table: 'hours_entry',
  columns: [
    ['entry_id', 'uuid'],
    ['org_id', 'uuid'],
    ['task_id', 'uuid'],
    ['goal_id', 'uuid'],
    ['manager_id', 'uuid'],
    ['minutes', 'int'],
    ['worked_on', 'date'],
    ['recorded_at', 'timestamptz'],
  ],
  values: (hours, orgId) => [
    hours.entryId,
    orgId,
    hours.taskId,
    hours.goalId,
    hours.managerId,
    hours.minutes,
    hours.workedOn,
    hours.recordedAt,
  ],
};
