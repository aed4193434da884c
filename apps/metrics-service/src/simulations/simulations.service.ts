import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Actor, badRequest, DomainError, invalid } from '@throughline/service-kit';
import { assertMayRead } from '../access/read-access.rules';
import { COMPONENT_NAMES, round1 } from '../scoring/alignment-formula';
import { ContributionLedger } from '../scoring/contribution-ledger.service';
import { dayNumber, isoDay } from '../scoring/contribution-formula';
import { formatMoney as money } from '../scoring/money';
import { orderedScopes, ScopeRef, scopeKey } from '../scoring/scope-facts.repository';
import { OpenAlert, readOpenAlerts, readScopeOutlooks, ScopeOutlook } from '../scoring/scope-outlooks.repository';
import { ScoringEngine } from '../scoring/scoring-engine.service';
import { ScoringRun } from '../scoring/scoring-run';
import { readSettings } from '../scoring/settings.repository';
import { reportingTeam } from '../scoring/reporting-team';
import { AppliedChangeView, ScopeStateView, SimulatedScopeView, SimulationView } from './dto/simulation.dto';
import { costAfter, parseChanges, shareAmount, SimulationChange, WorkTarget } from './simulation-changes';

/** How long a simulation waits for its organisation's scoring lock before answering 503 (a batch holds it for milliseconds). */
const LOCK_TIMEOUT = '2s';
/** No statement of a simulation runs longer: the organisation's scoring waits for it meanwhile. */
const STATEMENT_TIMEOUT = '10s';

interface WorkTask {
  task_id: string;
  title: string;
  start_date: string | null;
  due_date: string | null;
  actual_cost_minor: string;
  planned_cost_minor: string;
  goal_end: string | null;
}

/** A scope's figures before or after: outlook (score, forecast) and open alerts. */
interface ScopeState {
  outlook: ScopeOutlook;
  alerts: OpenAlert[];
}

/**
 * What-if simulations (docs/alignment.md, "What-if simulations"): the changes are applied by the
 * same ledger calls the event handlers make, inside a scoring run on the organisation, and scored
 * by the same engine; the projected figures are read, then everything is rolled back. Nothing is
 * stored and no event leaves (the outbox rows and their wake-up are rolled back with the rest).
 *
 * The transaction holds the organisation's clock row (as every scoring run does, so the
 * organisation's events wait meanwhile) and the rows the changes write, for the time of the
 * simulation only; its lock wait and statements are bounded.
 */
@Injectable()
export class SimulationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: ScoringEngine,
    private readonly ledger: ContributionLedger,
  ) {}

  async simulate(actor: Actor, input: unknown, correlationId: string): Promise<SimulationView> {
    const parsed = parseChanges(input);
    if (!parsed.changes) throw badRequest(parsed.problems);
    const changes = parsed.changes;
    const team = await reportingTeam(this.dataSource, actor);
    // The answer holds what the director may read: a manager outside their reporting line is left out, as on GET.
    const readable = (ref: ScopeRef) => {
      try {
        assertMayRead(actor, ref.scope, ref.id, team);
        return true;
      } catch {
        return false;
      }
    };
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const tx = runner.manager;
      await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await tx.query(`SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT}'`);
      // The organisation's own day, so the run moves no date: today's figures are the live ones.
      const [state] = await tx.query(`SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of FROM org_state WHERE org_id = $1`, [
        actor.orgId,
      ]);
      const at = state ? new Date(`${state.as_of}T00:00:00.000Z`) : new Date();
      const run = await this.engine.begin(tx, actor.orgId, at, { orgId: actor.orgId, correlationId });
      await tx.query('SAVEPOINT simulation');
      const weights = changes.find((change) => change.kind === 'weights');
      if (weights) {
        // Hypothetical weights under the current version's number: the version is never stored.
        const current = await readSettings(tx, actor.orgId);
        run.memory.settings = { settings: { ...current.settings, weights: weights.weights }, version: current.version };
      }
      const applied: AppliedChangeView[] = [];
      for (const [index, change] of changes.entries())
        applied.push({ index, kind: change.kind, effect: await this.apply(run, change, `changes[${index}]`, actor) });
      let affected = orderedScopes([...run.dirty.values()].filter(readable));
      if (weights) {
        await this.engine.rescoreAll(run);
        // New weights move every scored scope.
        const scored: Array<{ scope: ScopeRef['scope']; scope_id: string }> = await tx.query(
          `SELECT scope, scope_id FROM alignment_score WHERE org_id = $1`,
          [actor.orgId],
        );
        affected = orderedScopes(
          [...affected, ...scored.map((row) => ({ scope: row.scope, id: row.scope_id }))].filter(readable),
        );
      } else {
        await this.engine.finish(run);
      }
      const projected = await this.states(tx, actor.orgId, affected);
      await tx.query('ROLLBACK TO SAVEPOINT simulation');
      const today = await this.states(tx, actor.orgId, affected);
      return {
        asOf: run.asOf,
        changes: applied,
        scopes: affected
          .map((ref) => compare(today.get(scopeKey(ref))!, projected.get(scopeKey(ref))!))
          .filter((scope): scope is SimulatedScopeView => scope !== null),
      };
    } catch (error) {
      // The lock not granted in time (55P03) or a statement cancelled at its limit (57014): busy, not broken.
      const code = error instanceof QueryFailedError ? (error as unknown as { code?: string }).code : undefined;
      if (code === '55P03' || code === '57014')
        throw new ServiceUnavailableException(
          "Your organisation's scores are being updated right now: run the simulation again in a moment.",
        );
      throw error;
    } finally {
      // Always: a simulation never commits.
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  private async states(tx: EntityManager, orgId: string, refs: ScopeRef[]): Promise<Map<string, ScopeState>> {
    const outlooks = await readScopeOutlooks(tx, orgId, refs);
    const alerts = await readOpenAlerts(tx, orgId, refs);
    return new Map(
      outlooks.map((outlook) => [scopeKey(outlook.ref), { outlook, alerts: alerts.get(scopeKey(outlook.ref)) ?? [] }]),
    );
  }

  /** Applies one change as the handlers apply its events, and says what it did. */
  private async apply(run: ScoringRun, change: SimulationChange, at: string, actor: Actor): Promise<string> {
    // What the run holds of tasks is written back first: the changes below write task rows with SQL, as handlers do.
    await run.memory.tasks.release(run.tx);
    switch (change.kind) {
      case 'slip':
        return this.slip(run, change, change.days, at);
      case 'cost':
        return this.cost(run, change, at);
      case 'risk': {
        const [risk] = await run.tx.query(
          `SELECT title, status FROM risk_rm WHERE risk_id = $1 AND org_id = $2 FOR UPDATE`,
          [change.riskId, run.orgId],
        );
        if (!risk) throw unknown(`${at}.riskId`, `risk ${change.riskId}`);
        await run.tx.query(`UPDATE risk_rm SET status = $2 WHERE risk_id = $1`, [change.riskId, change.to]);
        await this.ledger.recontributeRisk(run, change.riskId);
        return `risk "${risk.title}": ${risk.status} → ${change.to}`;
      }
      case 'key_result': {
        const [keyResult] = await run.tx.query(
          `SELECT name, goal_id, unit FROM key_result_rm WHERE key_result_id = $1 AND org_id = $2 AND NOT removed`,
          [change.keyResultId, run.orgId],
        );
        if (!keyResult) throw unknown(`${at}.keyResultId`, `key result ${change.keyResultId}`);
        // The latest measurement wins (by day measured, then time recorded): this one is the latest of all.
        await run.tx.query(
          `INSERT INTO key_result_check_in (check_in_id, org_id, key_result_id, goal_id, manager_id, value, measured_on, recorded_at)
           SELECT $1, $2, $3, $4, $5, $6, greatest($7::date, max(measured_on)), 'infinity' FROM key_result_check_in WHERE key_result_id = $3`,
          [randomUUID(), run.orgId, change.keyResultId, keyResult.goal_id, actor.personId, change.value, run.asOf],
        );
        await this.ledger.recontributeKeyResult(run, change.keyResultId);
        return `key result "${keyResult.name}" measured at ${change.value} ${keyResult.unit}`;
      }
      case 'budget': {
        const [goal] = await run.tx.query(
          `SELECT title, budget_minor FROM goal_rm WHERE goal_id = $1 AND org_id = $2 AND known FOR UPDATE`,
          [change.goalId, run.orgId],
        );
        if (!goal) throw unknown(`${at}.goalId`, `goal ${change.goalId}`);
        await run.tx.query(`UPDATE goal_rm SET budget_minor = $2 WHERE goal_id = $1`, [
          change.goalId,
          change.budgetMinor,
        ]);
        await this.ledger.recontributeGoalBudget(run, change.goalId);
        return `goal "${goal.title}": budget ${money(Number(goal.budget_minor))} → ${money(change.budgetMinor)}`;
      }
      case 'weights':
        // Set on the run before any change is applied; scored with when the run finishes.
        return `weights ${COMPONENT_NAMES.map((name) => `${name} ${change.weights[name]}`).join(', ')}`;
      case 'contributions':
        return this.contributions(run, change, at);
    }
  }

  /** A goal's work shared out as strategy would (same rules), moved by the ledger's relink. */
  private async contributions(
    run: ScoringRun,
    change: Extract<SimulationChange, { kind: 'contributions' }>,
    at: string,
  ): Promise<string> {
    const [goal] = await run.tx.query(
      `SELECT title, parent_goal_id, rolls_up_by_links FROM goal_rm WHERE goal_id = $1 AND org_id = $2 AND known FOR UPDATE`,
      [change.goalId, run.orgId],
    );
    if (!goal) throw unknown(`${at}.goalId`, `goal ${change.goalId}`);
    const targets: Array<{ goal_id: string; title: string; above: string[] }> = await run.tx.query(
      `WITH RECURSIVE
         edges(from_id, to_id) AS (
           SELECT goal_id, parent_goal_id FROM goal_rm WHERE org_id = $2 AND parent_goal_id IS NOT NULL
           UNION ALL SELECT child_goal_id, parent_goal_id FROM goal_link_rm WHERE org_id = $2),
         above(start_id, goal_id) AS (
           SELECT id, id FROM unnest($1::uuid[]) AS starts(id)
           UNION SELECT above.start_id, edges.to_id FROM above JOIN edges ON edges.from_id = above.goal_id)
       SELECT g.goal_id, g.title, array_agg(above.goal_id) AS above
       FROM goal_rm g JOIN above ON above.start_id = g.goal_id
       WHERE g.org_id = $2 AND g.known GROUP BY g.goal_id, g.title`,
      [change.contributesTo.map((target) => target.goalId), run.orgId],
    );
    const known = new Map(targets.map((target) => [target.goal_id, target]));
    for (const [index, target] of change.contributesTo.entries()) {
      const field = `${at}.contributesTo[${index}].goalId`;
      const found = known.get(target.goalId);
      if (!found) throw unknown(field, `goal ${target.goalId}`);
      if (found.above.includes(change.goalId))
        throw invalid(
          `${field}: "${found.title}" is below "${goal.title}": contributing to it would make a cycle.`,
          field,
        );
    }
    if (
      change.contributesTo.length > 0 &&
      goal.parent_goal_id &&
      !change.contributesTo.some((target) => target.goalId === goal.parent_goal_id)
    )
      throw invalid(
        `${at}.contributesTo: must include the goal's parent ${goal.parent_goal_id}.`,
        `${at}.contributesTo`,
      );
    await this.ledger.relink(
      run,
      change.goalId,
      { byLinks: goal.rolls_up_by_links, parentGoalId: goal.parent_goal_id },
      change.contributesTo,
    );
    return change.contributesTo.length === 0
      ? `goal "${goal.title}" rolls up wholly into its parent`
      : `goal "${goal.title}" contributes ${change.contributesTo
          .map((target) => `${target.weightPercent} % to "${known.get(target.goalId)!.title}"`)
          .join(', ')}`;
  }

  /** The task, or the live tasks of the deliverable, locked; an unknown id is refused naming the field. */
  private async workTasks(run: ScoringRun, target: WorkTarget, at: string): Promise<WorkTask[]> {
    if ('deliverableId' in target) {
      const [deliverable] = await run.tx.query(
        `SELECT 1 FROM deliverable_rm WHERE deliverable_id = $1 AND org_id = $2 AND removed_at IS NULL`,
        [target.deliverableId, run.orgId],
      );
      if (!deliverable) throw unknown(`${at}.deliverableId`, `deliverable ${target.deliverableId}`);
    }
    const column = 'taskId' in target ? 't.task_id' : 't.deliverable_id';
    const tasks: WorkTask[] = await run.tx.query(
      `SELECT t.task_id, t.title, to_char(t.start_date, 'YYYY-MM-DD') AS start_date, to_char(t.due_date, 'YYYY-MM-DD') AS due_date,
              t.actual_cost_minor, t.planned_cost_minor, to_char(g.period_end, 'YYYY-MM-DD') AS goal_end
       FROM task_rm t LEFT JOIN goal_rm g ON g.goal_id = t.goal_id
       WHERE ${column} = $1 AND t.org_id = $2 AND t.known AND t.status <> 'cancelled' ORDER BY t.task_id FOR UPDATE OF t`,
      ['taskId' in target ? target.taskId : target.deliverableId, run.orgId],
    );
    if ('taskId' in target && tasks.length === 0) throw unknown(`${at}.taskId`, `task ${target.taskId}`);
    return tasks;
  }

  private async slip(run: ScoringRun, target: WorkTarget, days: number, at: string): Promise<string> {
    const tasks = await this.workTasks(run, target, at);
    const moved = tasks.map((task) => {
      if (!task.due_date) throw invalid(`${at}: task "${task.title}" has no due date to slip.`, `${at}.days`);
      const due = isoDay(dayNumber(task.due_date) + days);
      // Moving a date earlier stops at the task's start (a later one is always possible, even for work created late).
      if (days < 0 && task.start_date && due < task.start_date)
        throw invalid(
          `${at}: a slip of ${days} days would move "${task.title}" to ${due}, before its start on ${task.start_date}.`,
          `${at}.days`,
        );
      return { task, due };
    });
    if ('deliverableId' in target)
      await run.tx.query(`UPDATE deliverable_rm SET due_date = due_date + $2::int WHERE deliverable_id = $1`, [
        target.deliverableId,
        days,
      ]);
    for (const { task, due } of moved) {
      await run.tx.query(`UPDATE task_rm SET due_date = $2 WHERE task_id = $1`, [task.task_id, due]);
      await this.ledger.recontributeTask(run, task.task_id);
    }
    if (moved.length === 0) return 'the deliverable has no live task: nothing moves';
    return moved
      .map(({ task, due }) => {
        const beyond = task.goal_end ? dayNumber(due) - dayNumber(task.goal_end) : 0;
        return `"${task.title}" due ${task.due_date} → ${due}${beyond > 0 ? `, ${beyond} days after its goal ends (${task.goal_end})` : ''}`;
      })
      .join('; ');
  }

  private async cost(
    run: ScoringRun,
    change: Extract<SimulationChange, { kind: 'cost' }>,
    at: string,
  ): Promise<string> {
    const tasks = await this.workTasks(run, change, at);
    const field = 'percent' in change ? `${at}.percent` : `${at}.amountMinor`;
    const shares =
      'amountMinor' in change && 'deliverableId' in change
        ? shareAmount(
            change.amountMinor,
            tasks.map((task) => ({ taskId: task.task_id, plannedCostMinor: Number(task.planned_cost_minor) })),
          )
        : null;
    const costed = tasks.map((task, index) => {
      const booked = Number(task.actual_cost_minor);
      const next = costAfter(booked, shares ? { amountMinor: shares[index] } : change);
      if (next === null)
        throw invalid(`${at}: the cost of "${task.title}" would fall below zero (${money(booked)} booked).`, field);
      return { task, booked, next };
    });
    for (const { task, next } of costed) {
      await run.tx.query(`UPDATE task_rm SET actual_cost_minor = $2 WHERE task_id = $1`, [task.task_id, next]);
      await this.ledger.recontributeTask(run, task.task_id);
    }
    if (costed.length === 0) return 'the deliverable has no live task: nothing costs more';
    return costed
      .map(
        ({ task, booked, next }) =>
          `"${task.title}" cost ${money(booked)} → ${money(next)}${booked === 0 && 'percent' in change ? ' (nothing booked yet: a percentage of nothing is nothing; give amountMinor)' : ''}`,
      )
      .join('; ');
  }
}

function unknown(field: string, what: string): DomainError {
  const message = `${field}: ${what} does not exist in your organisation.`;
  return new DomainError('not_found', message, [{ field, message }]);
}

function stateView({ outlook, alerts }: ScopeState): ScopeStateView | null {
  if (!outlook.score || !outlook.forecast) return null;
  return {
    ...outlook.score,
    forecast: outlook.forecast,
    alerts: alerts.map(({ kind, subjectId, message, details }) => ({ kind, subjectId, message, details })),
  };
}

const delta = (a: number | null | undefined, b: number | null | undefined, round: (value: number) => number) =>
  a === null || a === undefined || b === null || b === undefined ? null : round(b - a);
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** A scope today beside its projection, with the differences; null when it has a score in neither. */
function compare(today: ScopeState, projected: ScopeState): SimulatedScopeView | null {
  const before = stateView(today);
  const after = stateView(projected);
  if (!before && !after) return null;
  const component = (state: ScopeStateView | null, name: string) =>
    state?.components.find((entry) => entry.name === name);
  const alertKey = (alert: { kind: string; subjectId: string }) => `${alert.kind}:${alert.subjectId}`;
  const beforeAlerts = new Set((before?.alerts ?? []).map(alertKey));
  const afterAlerts = new Set((after?.alerts ?? []).map(alertKey));
  const cost = (state: ScopeStateView | null) => state?.forecast.cost;
  const schedule = (state: ScopeStateView | null) => state?.forecast.schedule;
  return {
    scope: projected.outlook.ref.scope,
    scopeId: projected.outlook.ref.id,
    name: projected.outlook.name || today.outlook.name,
    today: before,
    projected: after,
    difference: {
      score: delta(before?.score, after?.score, round1),
      bandChanged: before?.band !== after?.band,
      components: COMPONENT_NAMES.map((name) => ({
        name,
        value: delta(component(before, name)?.value, component(after, name)?.value, round1),
        contribution: delta(component(before, name)?.contribution, component(after, name)?.contribution, round1),
      })),
      costPerformanceIndex: delta(cost(before)?.costPerformanceIndex, cost(after)?.costPerformanceIndex, round3),
      estimateAtCompletion: delta(cost(before)?.estimateAtCompletion, cost(after)?.estimateAtCompletion, Math.round),
      varianceAtCompletion: delta(cost(before)?.varianceAtCompletion, cost(after)?.varianceAtCompletion, Math.round),
      schedulePerformanceIndex: delta(
        schedule(before)?.schedulePerformanceIndex,
        schedule(after)?.schedulePerformanceIndex,
        round3,
      ),
      slipDays: delta(schedule(before)?.slipDays, schedule(after)?.slipDays, Math.round),
      alertsRaised: (after?.alerts ?? []).filter((alert) => !beforeAlerts.has(alertKey(alert))),
      alertsCleared: (before?.alerts ?? []).filter((alert) => !afterAlerts.has(alertKey(alert))),
    },
  };
}
