import { EntityManager } from 'typeorm';
import type { TaskStatus } from '@throughline/contracts';
import { CommonTableExpressions, preparedQuery } from '@throughline/messaging';
import { FactVector } from './alignment-formula';

/** What a task last added to the scopes above it, and the figures its drivers are ranked by. */
export interface AppliedTask {
  goalId: string | null;
  managerId: string;
  facts: FactVector;
  plannedValue?: number;
  earnedValueCapped?: number;
  earnedCost?: number;
}

/** The part of a task's read model that its reports change and its contribution is computed from. */
export interface TaskRow {
  taskId: string;
  orgId: string;
  known: boolean;
  goalId: string | null;
  managerId: string;
  status: TaskStatus;
  statusVersion: number;
  /** As PostgreSQL prints it, so that writing it back changes nothing. */
  completedAt: string | null;
  progress: number;
  progressVersion: number;
  weightMilli: number;
  startDate: string | null;
  dueDate: string | null;
  plannedCostMinor: number;
  actualCostMinor: number;
  minutes: number;
  applied: AppliedTask | null;
  nextChangeOn: string | null;
  scheduleShortfall: number;
  costOverrun: number;
}

/** A task an event names, with the goal and manager its placeholder gets when the task is not known yet. */
export interface TaskRef {
  taskId: string;
  goalId: string | null;
  managerId: string;
}

const SELECTED = `task_id, org_id, known, goal_id, manager_id, status, status_version, completed_at::text AS completed_at, progress, progress_version,
  weight_milli, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(due_date, 'YYYY-MM-DD') AS due_date, planned_cost_minor, actual_cost_minor,
  minutes, applied, to_char(next_change_on, 'YYYY-MM-DD') AS next_change_on, schedule_shortfall, cost_overrun`;

/**
 * The tasks an organisation's runs work on, held in memory: read in one statement for the tasks of
 * a batch not held yet, changed by its events without a round trip each, and written back in one
 * statement before anything reads them from the table (rescoring, the next-change index, a
 * handler's own SQL). They stay held for the next batch (`OrganisationMemory`); the run holds the
 * organisation's clock row locked, so no one else writes these rows meanwhile.
 */
export class TaskRows {
  private readonly rows = new Map<string, TaskRow>();
  private readonly changed = new Set<string>();

  /** How many tasks are held. */
  get size(): number {
    return this.rows.size;
  }

  held(taskId: string): TaskRow | undefined {
    return this.rows.get(taskId);
  }

  /**
   * Makes sure of the tasks (a placeholder row for those whose creation has not arrived yet, with
   * the goal and manager of the first event naming them) and holds them, in one statement. A task
   * of another organisation is held too, for the caller to refuse the event that names it.
   */
  async ensure(tx: EntityManager, orgId: string, refs: TaskRef[]): Promise<void> {
    const wanted = new Map<string, TaskRef>();
    for (const ref of refs) if (!this.rows.has(ref.taskId) && !wanted.has(ref.taskId)) wanted.set(ref.taskId, ref);
    if (wanted.size === 0) return;
    const list = [...wanted.values()].sort((a, b) => a.taskId.localeCompare(b.taskId));
    // The insert's snapshot does not see its own rows, so each task is answered by exactly one of the two selects.
    const rows = await preparedQuery<Record<string, any>>(
      tx,
      `WITH wanted AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) WITH ORDINALITY AS w(task_id, goal_id, manager_id, position)),
            inserted AS (INSERT INTO task_rm (task_id, org_id, goal_id, manager_id) SELECT task_id, $4, goal_id, manager_id FROM wanted ORDER BY position
                         ON CONFLICT (task_id) DO NOTHING RETURNING ${SELECTED})
       SELECT * FROM inserted UNION ALL SELECT ${SELECTED} FROM task_rm WHERE task_id = ANY($1::uuid[])`,
      [list.map((ref) => ref.taskId), list.map((ref) => ref.goalId), list.map((ref) => ref.managerId), orgId],
    );
    for (const row of rows) this.rows.set(row.task_id, taskRow(row));
  }

  /** Holds the tasks that exist, in one statement. */
  async load(tx: EntityManager, taskIds: string[]): Promise<void> {
    const missing = [...new Set(taskIds.filter((taskId) => !this.rows.has(taskId)))];
    if (missing.length === 0) return;
    const rows = await preparedQuery<Record<string, any>>(
      tx,
      `SELECT ${SELECTED} FROM task_rm WHERE task_id = ANY($1::uuid[])`,
      [missing],
    );
    for (const row of rows) this.rows.set(row.task_id, taskRow(row));
  }

  /** A held task, read first if need be; undefined when there is no such task. */
  async get(tx: EntityManager, taskId: string): Promise<TaskRow | undefined> {
    await this.load(tx, [taskId]);
    return this.rows.get(taskId);
  }

  /** The task changed: it is written back at the next flush. */
  touch(row: TaskRow): void {
    this.changed.add(row.taskId);
  }

  /** Writes the changed tasks back in one statement, in task order (as every writer locks them). */
  async flush(tx: EntityManager): Promise<void> {
    const parts = new CommonTableExpressions();
    this.writeInto(parts);
    if (parts.statement) await preparedQuery(tx, parts.statement, parts.params);
  }

  /** The changed tasks' write-back as a part of a statement that writes other things too (one round trip). */
  writeInto(parts: CommonTableExpressions): void {
    if (this.changed.size === 0) return;
    const rows = [...this.changed].sort().map((taskId) => this.rows.get(taskId)!);
    this.changed.clear();
    const values = (pick: (row: TaskRow) => unknown, type: string) => `${parts.param(rows.map(pick))}::${type}[]`;
    parts.add(
      'tasks_written',
      `UPDATE task_rm t SET status = v.status, status_version = v.status_version, completed_at = v.completed_at::timestamptz,
         progress = v.progress, progress_version = v.progress_version, actual_cost_minor = v.actual_cost_minor, minutes = v.minutes,
         applied = v.applied, next_change_on = v.next_change_on, schedule_shortfall = v.schedule_shortfall, cost_overrun = v.cost_overrun
       FROM unnest(${[
         values((row) => row.taskId, 'uuid'),
         values((row) => row.status, 'text'),
         values((row) => row.statusVersion, 'int'),
         values((row) => row.completedAt, 'text'),
         values((row) => row.progress, 'int'),
         values((row) => row.progressVersion, 'int'),
         values((row) => row.actualCostMinor, 'bigint'),
         values((row) => row.minutes, 'bigint'),
         values((row) => (row.applied === null ? null : JSON.stringify(row.applied)), 'jsonb'),
         values((row) => row.nextChangeOn, 'date'),
         values((row) => row.scheduleShortfall, 'bigint'),
         values((row) => row.costOverrun, 'bigint'),
       ].join(', ')})
         AS v(task_id, status, status_version, completed_at, progress, progress_version, actual_cost_minor, minutes, applied, next_change_on, schedule_shortfall, cost_overrun)
       WHERE t.task_id = v.task_id`,
    );
  }

  /** Lets go of every task once all are written back (an organisation too large to hold whole keeps the rest). */
  forget(): void {
    if (this.changed.size > 0) throw new Error('tasks changed and not written back cannot be let go');
    this.rows.clear();
  }

  /** Writes back what changed and lets go of every task, before SQL that writes task rows itself. */
  async release(tx: EntityManager): Promise<void> {
    await this.flush(tx);
    this.rows.clear();
  }
}

function taskRow(row: Record<string, any>): TaskRow {
  return {
    taskId: row.task_id,
    orgId: row.org_id,
    known: row.known,
    goalId: row.goal_id,
    managerId: row.manager_id,
    status: row.status,
    statusVersion: Number(row.status_version),
    completedAt: row.completed_at,
    progress: Number(row.progress),
    progressVersion: Number(row.progress_version),
    weightMilli: Number(row.weight_milli),
    startDate: row.start_date,
    dueDate: row.due_date,
    plannedCostMinor: Number(row.planned_cost_minor),
    actualCostMinor: Number(row.actual_cost_minor),
    minutes: Number(row.minutes),
    applied: row.applied,
    nextChangeOn: row.next_change_on,
    scheduleShortfall: Number(row.schedule_shortfall),
    costOverrun: Number(row.cost_overrun),
  };
}
