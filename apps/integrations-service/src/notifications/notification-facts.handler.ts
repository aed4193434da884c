import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  AlertRaisedV1,
  AlignmentScoreChangedV1,
  CloudEvent,
  EventOf,
  GoalActivatedV1,
  GoalClosedV1,
  GoalCreatedV1,
  GoalUpdatedV1,
  PersonCreatedV1,
  PersonUpdatedV1,
  TaskCostRecordedV1,
  TaskCreatedV1,
  TaskHoursRecordedV1,
  TaskProgressReportedV1,
  TaskQualityIssueRecordedV1,
  TaskStatusChangedV1,
  TaskUpdatedV1,
} from '@throughline/contracts';
import { beforeCommit, HandleEvent, perTransaction } from '@throughline/messaging';
import { NotificationPlanner } from './notification-planner.service';

/**
 * Keeps what messages need from the event streams — people, goals, tasks and their last
 * activity, scores with a history for trends, alerts — in this service's own read models, in
 * the transaction that marks each event consumed; an alert also queues its messages there.
 */
@Injectable()
export class NotificationFactsHandler {
  constructor(private readonly planner: NotificationPlanner) {}

  @HandleEvent(PersonCreatedV1, PersonUpdatedV1)
  async onPerson(event: EventOf<typeof PersonCreatedV1>, tx: EntityManager): Promise<void> {
    const { personId, name, email, role, active } = event.data;
    await tx.query(
      `INSERT INTO person_rm (person_id, org_id, name, email, role, active) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (person_id) DO UPDATE SET name = $3, email = $4, role = $5, active = $6`,
      [personId, event.orgid, name, email, role, active],
    );
  }

  @HandleEvent(GoalCreatedV1, GoalUpdatedV1)
  async onGoal(event: EventOf<typeof GoalCreatedV1>, tx: EntityManager): Promise<void> {
    const { goalId, title, ownerId, status } = event.data;
    await tx.query(
      `INSERT INTO goal_rm (goal_id, org_id, title, owner_id, status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (goal_id) DO UPDATE SET title = $3, owner_id = $4,
         status = CASE WHEN goal_rm.status = 'closed' THEN 'closed' ELSE $5 END`,
      [goalId, event.orgid, title, ownerId, status],
    );
  }

  @HandleEvent(GoalActivatedV1, GoalClosedV1)
  async onGoalStatus(event: CloudEvent<{ goalId: string }>, tx: EntityManager): Promise<void> {
    const status = event.type === GoalClosedV1.type ? 'closed' : 'active';
    await tx.query(`UPDATE goal_rm SET status = $2 WHERE goal_id = $1 AND status <> 'closed'`, [
      event.data.goalId,
      status,
    ]);
  }

  @HandleEvent(TaskCreatedV1, TaskUpdatedV1)
  async onTask(event: EventOf<typeof TaskUpdatedV1>, tx: EntityManager): Promise<void> {
    const { taskId, managerId, title, dueDate } = event.data;
    await tx.query(
      `INSERT INTO task_rm (task_id, org_id, manager_id, title, due_date, status, last_activity_at)
       VALUES ($1, $2, $3, $4, $5, 'todo', $6)
       ON CONFLICT (task_id) DO UPDATE SET manager_id = $3, title = $4, due_date = $5,
         last_activity_at = GREATEST(task_rm.last_activity_at, $6)`,
      [taskId, event.orgid, managerId, title, dueDate, event.time],
    );
  }

  @HandleEvent(TaskStatusChangedV1)
  async onTaskStatus(event: EventOf<typeof TaskStatusChangedV1>, tx: EntityManager): Promise<void> {
    await tx.query(
      `UPDATE task_rm SET status = $2, last_activity_at = GREATEST(last_activity_at, $3) WHERE task_id = $1`,
      [event.data.taskId, event.data.to, event.time],
    );
  }

  @HandleEvent(TaskProgressReportedV1, TaskCostRecordedV1, TaskHoursRecordedV1, TaskQualityIssueRecordedV1)
  onTaskActivity(event: CloudEvent<{ taskId: string }>, tx: EntityManager): void {
    const latest = perTransaction(tx, TASK_ACTIVITY, () => {
      const gathered = new Map<string, string>();
      beforeCommit(tx, () => writeTaskActivity(tx, gathered));
      return gathered;
    });
    const known = latest.get(event.data.taskId);
    if (!known || Date.parse(event.time) > Date.parse(known)) latest.set(event.data.taskId, event.time);
  }

  @HandleEvent(AlignmentScoreChangedV1)
  onScore(event: EventOf<typeof AlignmentScoreChangedV1>, tx: EntityManager): void {
    const scores = perTransaction(tx, SCORES, () => {
      const gathered: ScoreFact[] = [];
      beforeCommit(tx, () => writeScores(tx, gathered));
      return gathered;
    });
    const { scope, scopeId, score, band, components, computedAt } = event.data;
    scores.push({ scope, scopeId, orgId: event.orgid, score, band, components, computedAt });
  }

  @HandleEvent(AlertRaisedV1)
  async onAlert(event: EventOf<typeof AlertRaisedV1>, tx: EntityManager): Promise<void> {
    const { alertId, kind, scope, scopeId, message, raisedAt } = event.data;
    const [inserted] = await tx.query(
      `INSERT INTO alert_rm (alert_id, org_id, kind, scope, scope_id, message, raised_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (alert_id) DO NOTHING RETURNING alert_id`,
      [alertId, event.orgid, kind, scope, scopeId, message, raisedAt],
    );
    if (inserted) await this.planner.queueAlert(tx, event.orgid, event.data);
  }
}

/** Keys of what one consumer transaction gathers (perTransaction). */
const TASK_ACTIVITY = { gathers: 'the latest activity of each task' };
const SCORES = { gathers: 'the score events' };

/** Each task's latest activity in one statement: the events of a transaction touch a task many times. */
async function writeTaskActivity(tx: EntityManager, latest: Map<string, string>): Promise<void> {
  await tx.query(
    `UPDATE task_rm SET last_activity_at = GREATEST(task_rm.last_activity_at, activity.at)
     FROM unnest($1::uuid[], $2::timestamptz[]) AS activity(task_id, at) WHERE task_rm.task_id = activity.task_id`,
    [[...latest.keys()], [...latest.values()]],
  );
}

interface ScoreFact {
  scope: string;
  scopeId: string;
  orgId: string;
  score: number;
  band: string;
  components: unknown;
  computedAt: string;
}

/**
 * The transaction's scores in two statements: each scope's latest into score_rm (an upsert may
 * touch a row once per statement), every one as a point of its history.
 */
async function writeScores(tx: EntityManager, scores: ScoreFact[]): Promise<void> {
  const latest = new Map<string, ScoreFact>();
  for (const fact of scores) {
    const key = `${fact.scope}/${fact.scopeId}`;
    const known = latest.get(key);
    if (!known || Date.parse(fact.computedAt) >= Date.parse(known.computedAt)) latest.set(key, fact);
  }
  await tx.query(
    `INSERT INTO score_rm (scope, scope_id, org_id, score, band, components, computed_at)
     SELECT scope, scope_id, org_id, score, band, components, computed_at
     FROM jsonb_to_recordset($1::jsonb) AS s(scope text, scope_id uuid, org_id uuid, score double precision, band text, components jsonb, computed_at timestamptz)
     ON CONFLICT (scope, scope_id) DO UPDATE SET score = excluded.score, band = excluded.band,
       components = excluded.components, computed_at = excluded.computed_at
     WHERE score_rm.computed_at <= excluded.computed_at`,
    [JSON.stringify([...latest.values()].map(asRow))],
  );
  await tx.query(
    `INSERT INTO score_point_rm (scope, scope_id, org_id, score, at)
     SELECT scope, scope_id, org_id, score, computed_at
     FROM jsonb_to_recordset($1::jsonb) AS s(scope text, scope_id uuid, org_id uuid, score double precision, computed_at timestamptz)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(scores.map(asRow))],
  );
}

function asRow(fact: ScoreFact) {
  return {
    scope: fact.scope,
    scope_id: fact.scopeId,
    org_id: fact.orgId,
    score: fact.score,
    band: fact.band,
    components: fact.components,
    computed_at: fact.computedAt,
  };
}
