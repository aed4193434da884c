import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '@throughline/messaging';
import { Actor, invalid, notFound } from '@throughline/service-kit';
import { FactVector, ScopeKind } from '../scoring/alignment-formula';
import { dayNumber, isoDay } from '../scoring/contribution-formula';
import { factsFromJson } from '../scoring/scope-facts.repository';
import { assertMayRead } from '../access/read-access.rules';
import { reportingTeam } from '../scoring/reporting-team';
import {
  KpiPeriodQueryDto,
  ManagerKpiHistoryView,
  ManagerKpisView,
  OrganisationKpiHistoryView,
  OrganisationKpisView,
} from './dto/kpi.dto';
import { buckets, Interval, perItem, ratio } from './kpi-figures';

const MAX_HISTORY_DAYS = 3 * 366;

/** KPIs are read-time aggregates over the read models, per period; the history is the same figures per week or month. */
@Injectable()
export class KpisService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The period asked for, defaulting to the 30 days up to the organisation's latest day (from
   * events, not the wall clock), or with `asOf` up to that time's day.
   */
  private async period(actor: Actor, query: KpiPeriodQueryDto): Promise<Period> {
    const [state] = query.asOf
      ? [{ as_of: new Date(query.asOf).toISOString() }]
      : await preparedQuery<{ as_of: string }>(
          this.dataSource.manager,
          `SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of FROM org_state WHERE org_id = $1`,
          [actor.orgId],
        );
    const to = query.to ?? isoDay(dayNumber(state?.as_of ?? new Date().toISOString()) + 1);
    const from = query.from ?? isoDay(dayNumber(to) - 30);
    if (from >= to) throw invalid(`from (${from}) must be before to (${to}).`, 'from');
    return { from, to };
  }

  /**
   * A manager's figures for each period, in one statement with the checks that the manager has
   * work in the actor's organisation (and, with `asOf`, had by then) and that the actor may read them.
   */
  private async managerPeriods(
    actor: Actor,
    managerId: string,
    periods: Period[],
    asOf: string | undefined,
  ): Promise<ManagerKpisView[]> {
    const { known, knownThen, figures } = await this.managerFigures(actor.orgId, managerId, periods, asOf);
    if (!known) throw notFound('Manager', managerId, `Manager ${managerId} has no work in your organisation.`);
    // After the lookup, so another organisation's manager answers 404 whatever the role (docs/security.md).
    assertMayRead(actor, 'manager', managerId, await reportingTeam(this.dataSource, actor));
    if (!knownThen) throw notFound('Manager', managerId, `Manager ${managerId} had no work yet at ${asOf}.`);
    return figures;
  }

  async manager(actor: Actor, managerId: string, query: KpiPeriodQueryDto): Promise<ManagerKpisView> {
    const [figures] = await this.managerPeriods(actor, managerId, [await this.period(actor, query)], query.asOf);
    return figures;
  }

  async managerHistory(
    actor: Actor,
    managerId: string,
    query: KpiPeriodQueryDto & { interval?: Interval },
  ): Promise<ManagerKpiHistoryView> {
    const interval = query.interval ?? 'month';
    const points = await this.managerPeriods(
      actor,
      managerId,
      await this.historyBuckets(actor, query, interval),
      query.asOf,
    );
    return { managerId, interval, points };
  }

  async organisation(actor: Actor, query: KpiPeriodQueryDto & { orgUnitId?: string }): Promise<OrganisationKpisView> {
    await this.ensureUnit(actor, query.orgUnitId);
    const score = await this.scoreAt(actor.orgId, query.orgUnitId, query.asOf);
    const [figures] = await this.organisationFigures(
      actor.orgId,
      query.orgUnitId ?? null,
      [await this.period(actor, query)],
      score,
      query.asOf,
    );
    return figures;
  }

  async organisationHistory(
    actor: Actor,
    query: KpiPeriodQueryDto & { orgUnitId?: string; interval?: Interval },
  ): Promise<OrganisationKpiHistoryView> {
    await this.ensureUnit(actor, query.orgUnitId);
    const score = await this.scoreAt(actor.orgId, query.orgUnitId, query.asOf);
    const interval = query.interval ?? 'month';
    const points = await this.organisationFigures(
      actor.orgId,
      query.orgUnitId ?? null,
      await this.historyBuckets(actor, query, interval),
      score,
      query.asOf,
    );
    return { interval, points };
  }

  private async historyBuckets(actor: Actor, query: KpiPeriodQueryDto, interval: Interval) {
    const period = await this.period(actor, { from: query.from ?? undefined, to: query.to, asOf: query.asOf });
    if (!query.from) period.from = isoDay(dayNumber(period.to) - 180);
    if (dayNumber(period.to) - dayNumber(period.from) > MAX_HISTORY_DAYS)
      throw invalid(`A history covers at most ${MAX_HISTORY_DAYS} days; narrow from/to.`, 'from');
    return buckets(period.from, period.to, interval);
  }

  private async ensureUnit(actor: Actor, orgUnitId: string | undefined): Promise<void> {
    assertMayRead(actor, orgUnitId ? 'org_unit' : 'organisation', orgUnitId ?? actor.orgId);
    if (!orgUnitId) return;
    const [unit] = await preparedQuery(
      this.dataSource.manager,
      `SELECT 1 FROM org_unit_rm WHERE org_unit_id = $1 AND org_id = $2`,
      [orgUnitId, actor.orgId],
    );
    if (!unit) throw notFound('Org unit', orgUnitId, `Org unit ${orgUnitId} does not exist in your organisation.`);
  }

  /**
   * The organisation's (or unit's) score and key-result attainment: current, or with `asOf` from
   * the last score change at or before it (404 before the first).
   */
  private async scoreAt(orgId: string, orgUnitId: string | undefined, asOf: string | undefined): Promise<ScoreFigures> {
    const scope = orgUnitId ? { scope: 'org_unit', id: orgUnitId } : { scope: 'organisation', id: orgId };
    if (asOf) {
      const [point] = await preparedQuery<{ score: number; components: Array<{ name: string; value: number | null }> }>(
        this.dataSource.manager,
        `SELECT score, components FROM alignment_score_history WHERE scope = $1 AND scope_id = $2 AND org_id = $3 AND at <= $4
         ORDER BY at DESC, id DESC LIMIT 1`,
        [scope.scope, scope.id, orgId, asOf],
      );
      const name = orgUnitId ? 'Org unit' : 'Organisation';
      if (!point) throw notFound(name, scope.id, `${name} ${scope.id} had no score yet at ${asOf}.`);
      const outcomes = (point.components as Array<{ name: string; value: number | null }>).find(
        (component) => component.name === 'outcomes',
      );
      return { alignmentScore: point.score, keyResultAttainment: outcomes?.value ?? null };
    }
    const [current] = await preparedQuery<{
      score: number | null;
      key_result_weight: string | null;
      key_result_score: string | null;
    }>(
      this.dataSource.manager,
      `SELECT s.score, f.key_result_weight, f.key_result_score FROM (SELECT $1::text AS scope, $2::uuid AS scope_id) AS wanted
       LEFT JOIN alignment_score s ON s.scope = wanted.scope AND s.scope_id = wanted.scope_id AND s.org_id = $3
       LEFT JOIN scope_facts f ON f.scope = wanted.scope AND f.scope_id = wanted.scope_id AND f.org_id = $3`,
      [scope.scope, scope.id, orgId],
    );
    const krWeight = Number(current.key_result_weight ?? 0);
    return {
      alignmentScore: current.score,
      // As the score's outcomes component rounds it (alignment-formula.ts), so both ways agree.
      keyResultAttainment: krWeight === 0 ? null : Math.round(Number(current.key_result_score) / krWeight / 10) / 10,
    };
  }

  /**
   * A scope's facts as they stood at `asOf`: those of its last history point by then (a point is kept
   * whenever the score or its facts move; budgets and planned costs have no history of their own); null
   * before facts were kept.
   */
  private async factsAsOf(orgId: string, scope: ScopeKind, scopeId: string, asOf: string): Promise<FactVector | null> {
    const [point] = await preparedQuery<{ facts: Partial<FactVector> | null }>(
      this.dataSource.manager,
      `SELECT facts FROM alignment_score_history WHERE scope = $1 AND scope_id = $2 AND org_id = $3 AND at <= $4
       ORDER BY at DESC, id DESC LIMIT 1`,
      [scope, scopeId, orgId, asOf],
    );
    return point?.facts ? factsFromJson(point.facts) : null;
  }

  /**
   * A manager's figures for each period, in one statement, with whether the manager has work in the
   * organisation (and had by `asOf`). With `asOf`, every dated fact counts only if recorded by then,
   * and the planned cost is the manager's facts' then.
   */
  private async managerFigures(
    orgId: string,
    managerId: string,
    periods: Period[],
    asOf: string | undefined,
  ): Promise<{ known: boolean; knownThen: boolean; figures: ManagerKpisView[] }> {
    const rows = await preparedQuery<{
      known: boolean;
      known_then: boolean;
      from_day: string | null;
      to_day: string | null;
      done: number;
      with_due: number;
      on_time: number;
      in_period: string;
      to_date: string;
      defects: number;
      reworks: number;
      planned: string;
    }>(
      this.dataSource.manager,
      `SELECT EXISTS (SELECT 1 FROM task_rm WHERE manager_id = $1 AND org_id = $2) AS known,
              EXISTS (SELECT 1 FROM task_rm WHERE manager_id = $1 AND org_id = $2 AND known AND created_at <= $5::timestamptz) AS known_then,
              figures.*
       FROM (SELECT 1) AS one LEFT JOIN (
         SELECT to_char(period.from_day, 'YYYY-MM-DD') AS from_day, to_char(period.to_day, 'YYYY-MM-DD') AS to_day, period.position,
                completed.*, cost.*, quality.*, budget.*
         FROM ${periodRows(periods)}
         CROSS JOIN LATERAL (SELECT count(*)::int AS done, count(*) FILTER (WHERE due_date IS NOT NULL)::int AS with_due,
                      count(*) FILTER (WHERE due_date IS NOT NULL AND (completed_at AT TIME ZONE 'UTC')::date <= due_date)::int AS on_time
               FROM task_rm WHERE manager_id = $1 AND org_id = $2 AND completed_at >= period.from_day AND completed_at < period.to_day AND completed_at <= $5::timestamptz) AS completed
         CROSS JOIN LATERAL (SELECT coalesce(sum(amount_minor) FILTER (WHERE incurred_on >= period.from_day), 0) AS in_period, coalesce(sum(amount_minor), 0) AS to_date
               FROM cost_entry WHERE manager_id = $1 AND org_id = $2 AND incurred_on < period.to_day AND recorded_at <= $5::timestamptz) AS cost
         CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE kind = 'defect')::int AS defects, count(*) FILTER (WHERE kind = 'rework')::int AS reworks
               FROM quality_issue WHERE manager_id = $1 AND org_id = $2 AND recorded_at >= period.from_day AND recorded_at < period.to_day AND recorded_at <= $5::timestamptz) AS quality
         -- Today's planned cost, the same for every period.
         CROSS JOIN (SELECT coalesce(sum(planned_cost_minor), 0) AS planned FROM task_rm
               WHERE manager_id = $1 AND org_id = $2 AND known AND status <> 'cancelled') AS budget
       ) AS figures ON true
       ORDER BY figures.position`,
      [managerId, orgId, ...periodParams(periods), recordedBy(asOf)],
    );
    const [first] = rows;
    const knownThen = asOf === undefined || first.known_then;
    if (!first.known || !knownThen) return { known: first.known, knownThen, figures: [] };
    const planned = asOf
      ? ((await this.factsAsOf(orgId, 'manager', managerId, asOf))?.plannedCost ?? null)
      : Number(first.planned);
    const figures = rows
      .filter((row) => row.from_day !== null)
      .map((row): ManagerKpisView => {
        const spent = Number(row.to_date);
        return {
          managerId,
          from: row.from_day!,
          to: row.to_day!,
          throughput: row.done,
          costPerCompletedTaskMinor: perItem(Number(row.in_period), row.done),
          onTimeRate: ratio(row.on_time, row.with_due),
          spentMinor: spent,
          budgetMinor: planned,
          spendAgainstBudget: planned === null ? null : ratio(spent, planned),
          defects: row.defects,
          reworks: row.reworks,
          defectRate: ratio(row.defects, row.done),
          reworkRate: ratio(row.reworks, row.done),
        };
      });
    return { known: true, knownThen: true, figures };
  }

  /** The organisation's (or a unit's) figures for each period, in one statement. */
  private async organisationFigures(
    orgId: string,
    orgUnitId: string | null,
    periods: Period[],
    score: ScoreFigures,
    asOf: string | undefined,
  ): Promise<OrganisationKpisView[]> {
    // Units below the one asked for; managers and goals of those units. Without a unit: the whole organisation.
    const managerFilter = orgUnitId
      ? `AND manager_id IN (SELECT person_id FROM person_rm WHERE org_unit_id IN (SELECT org_unit_id FROM units))`
      : `AND $2::uuid IS NULL`;
    const goalFilter = orgUnitId
      ? `AND goal_id IN (SELECT goal_id FROM goal_rm WHERE org_unit_id IN (SELECT org_unit_id FROM units))`
      : `AND $2::uuid IS NULL`;
    const rows = await preparedQuery<{
      from_day: string;
      to_day: string;
      linked_minutes: string;
      total_minutes: string;
      linked_cost: string;
      in_period: string;
      to_date: string;
      budget: string;
      achieved: number;
      missed: number;
      mitigated: number;
      materialised: number;
      done: number;
    }>(
      this.dataSource.manager,
      `WITH RECURSIVE units(org_unit_id, depth) AS (SELECT $2::uuid, 0 UNION ALL SELECT u.org_unit_id, depth + 1 FROM org_unit_rm u JOIN units ON u.parent_org_unit_id = units.org_unit_id WHERE depth < 64)
       SELECT to_char(period.from_day, 'YYYY-MM-DD') AS from_day, to_char(period.to_day, 'YYYY-MM-DD') AS to_day, hours.*, cost.*, goals.*, risks.*, throughput.*
       FROM ${periodRows(periods)}
       CROSS JOIN LATERAL (SELECT coalesce(sum(minutes) FILTER (WHERE goal_id IS NOT NULL), 0) AS linked_minutes, coalesce(sum(minutes), 0) AS total_minutes
             FROM hours_entry WHERE org_id = $1 ${managerFilter} AND worked_on >= period.from_day AND worked_on < period.to_day AND recorded_at <= $5::timestamptz) AS hours
       CROSS JOIN LATERAL (SELECT coalesce(sum(amount_minor) FILTER (WHERE goal_id IS NOT NULL AND incurred_on >= period.from_day), 0) AS linked_cost,
                    coalesce(sum(amount_minor) FILTER (WHERE incurred_on >= period.from_day), 0) AS in_period, coalesce(sum(amount_minor), 0) AS to_date
             FROM cost_entry WHERE org_id = $1 ${managerFilter} AND incurred_on < period.to_day AND recorded_at <= $5::timestamptz) AS cost
       CROSS JOIN LATERAL (SELECT coalesce(sum(applied_budget), 0) AS budget,
                    count(*) FILTER (WHERE closed_outcome = 'achieved' AND closed_at >= period.from_day AND closed_at < period.to_day AND closed_at <= $5::timestamptz)::int AS achieved,
                    count(*) FILTER (WHERE closed_outcome = 'missed' AND closed_at >= period.from_day AND closed_at < period.to_day AND closed_at <= $5::timestamptz)::int AS missed
             FROM goal_rm WHERE org_id = $1 ${goalFilter}) AS goals
       CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE status = 'mitigated')::int AS mitigated, count(*) FILTER (WHERE status = 'materialised')::int AS materialised
             FROM risk_transition WHERE org_id = $1 ${goalFilter} AND at >= period.from_day AND at < period.to_day AND at <= $5::timestamptz) AS risks
       CROSS JOIN LATERAL (SELECT count(*)::int AS done FROM task_rm
             WHERE org_id = $1 ${managerFilter} AND completed_at >= period.from_day AND completed_at < period.to_day AND completed_at <= $5::timestamptz) AS throughput
       ORDER BY period.position`,
      [orgId, orgUnitId, ...periodParams(periods), recordedBy(asOf)],
    );
    // As of an earlier time, the goal budgets the scope's facts counted then.
    const budgetThen = asOf
      ? ((await this.factsAsOf(orgId, orgUnitId ? 'org_unit' : 'organisation', orgUnitId ?? orgId, asOf))?.goalBudget ??
        null)
      : undefined;
    return rows.map((row): OrganisationKpisView => {
      const linkedShare =
        Number(row.total_minutes) > 0
          ? ratio(Number(row.linked_minutes), Number(row.total_minutes))
          : ratio(Number(row.linked_cost), Number(row.in_period));
      const spent = Number(row.to_date);
      const budget = budgetThen === undefined ? Number(row.budget) : budgetThen;
      return {
        orgUnitId,
        from: row.from_day,
        to: row.to_day,
        linkedEffortShare: linkedShare,
        alignmentScore: score.alignmentScore,
        spentMinor: spent,
        goalBudgetMinor: budget,
        budgetConsumption: budget === null ? null : ratio(spent, budget),
        goalsAchieved: row.achieved,
        goalsMissed: row.missed,
        goalAttainmentRate: ratio(row.achieved, row.achieved + row.missed),
        keyResultAttainment: score.keyResultAttainment,
        risksMitigated: row.mitigated,
        risksMaterialised: row.materialised,
        riskManagementEffectiveness: ratio(row.mitigated, row.mitigated + row.materialised),
        throughput: row.done,
      };
    });
  }
}

/** A period of days: `from` inclusive, `to` exclusive. */
interface Period {
  from: string;
  to: string;
}

/**
 * The periods as rows of a statement, from its parameters $3 and $4. One period is a row of
 * scalars, not an array unnested: PostgreSQL plans a statement over an array of unknown length
 * anew at each execution, where a row of scalars keeps the plan it made once.
 */
function periodRows(periods: Period[]): string {
  return periods.length === 1
    ? `(SELECT $3::date, $4::date, 1::bigint) AS period(from_day, to_day, position)`
    : `unnest($3::date[], $4::date[]) WITH ORDINALITY AS period(from_day, to_day, position)`;
}

function periodParams(periods: Period[]): [unknown, unknown] {
  return periods.length === 1
    ? [periods[0].from, periods[0].to]
    : [periods.map((period) => period.from), periods.map((period) => period.to)];
}

interface ScoreFigures {
  alignmentScore: number | null;
  keyResultAttainment: number | null;
}

/** The latest time a fact may have been recorded to count: `asOf`, or any time. */
function recordedBy(asOf: string | undefined): string {
  return asOf ?? 'infinity';
}
