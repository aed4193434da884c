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
  private async period(actor: Actor, query: KpiPeriodQueryDto): Promise<{ from: string; to: string }> {
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

  /** With `asOf`, the manager must have had work by then (a task created at or before it). */
  private async ensureManager(actor: Actor, managerId: string, asOf: string | undefined): Promise<void> {
    const [known] = await preparedQuery(
      this.dataSource.manager,
      `SELECT 1 FROM task_rm WHERE manager_id = $1 AND org_id = $2 LIMIT 1`,
      [managerId, actor.orgId],
    );
    if (!known) throw notFound('Manager', managerId, `Manager ${managerId} has no work in your organisation.`);
    // After the lookup, so another organisation's manager answers 404 whatever the role (docs/security.md).
    assertMayRead(actor, 'manager', managerId, await reportingTeam(this.dataSource, actor));
    if (!asOf) return;
    const [then] = await preparedQuery(
      this.dataSource.manager,
      `SELECT 1 FROM task_rm WHERE manager_id = $1 AND org_id = $2 AND known AND created_at <= $3 LIMIT 1`,
      [managerId, actor.orgId, asOf],
    );
    if (!then) throw notFound('Manager', managerId, `Manager ${managerId} had no work yet at ${asOf}.`);
  }

  async manager(actor: Actor, managerId: string, query: KpiPeriodQueryDto): Promise<ManagerKpisView> {
    await this.ensureManager(actor, managerId, query.asOf);
    return this.managerFigures(actor.orgId, managerId, await this.period(actor, query), query.asOf);
  }

  async managerHistory(
    actor: Actor,
    managerId: string,
    query: KpiPeriodQueryDto & { interval?: Interval },
  ): Promise<ManagerKpiHistoryView> {
    await this.ensureManager(actor, managerId, query.asOf);
    const interval = query.interval ?? 'month';
    const points = [];
    for (const bucket of await this.historyBuckets(actor, query, interval))
      points.push(await this.managerFigures(actor.orgId, managerId, bucket, query.asOf));
    return { managerId, interval, points };
  }

  async organisation(actor: Actor, query: KpiPeriodQueryDto & { orgUnitId?: string }): Promise<OrganisationKpisView> {
    await this.ensureUnit(actor, query.orgUnitId);
    const score = await this.scoreAt(actor.orgId, query.orgUnitId, query.asOf);
    return this.organisationFigures(
      actor.orgId,
      query.orgUnitId ?? null,
      await this.period(actor, query),
      score,
      query.asOf,
    );
  }

  async organisationHistory(
    actor: Actor,
    query: KpiPeriodQueryDto & { orgUnitId?: string; interval?: Interval },
  ): Promise<OrganisationKpiHistoryView> {
    await this.ensureUnit(actor, query.orgUnitId);
    const score = await this.scoreAt(actor.orgId, query.orgUnitId, query.asOf);
    const interval = query.interval ?? 'month';
    const points = [];
    for (const bucket of await this.historyBuckets(actor, query, interval))
      points.push(await this.organisationFigures(actor.orgId, query.orgUnitId ?? null, bucket, score, query.asOf));
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
    const [score] = await preparedQuery<{ score: number }>(
      this.dataSource.manager,
      `SELECT score FROM alignment_score WHERE scope = $1 AND scope_id = $2 AND org_id = $3`,
      [scope.scope, scope.id, orgId],
    );
    const [facts] = await preparedQuery<{ key_result_weight: string; key_result_score: string }>(
      this.dataSource.manager,
      `SELECT key_result_weight, key_result_score FROM scope_facts WHERE scope = $1 AND scope_id = $2 AND org_id = $3`,
      [scope.scope, scope.id, orgId],
    );
    const krWeight = Number(facts?.key_result_weight ?? 0);
    return {
      alignmentScore: score?.score ?? null,
      // As the score's outcomes component rounds it (alignment-formula.ts), so both ways agree.
      keyResultAttainment: krWeight === 0 ? null : Math.round(Number(facts.key_result_score) / krWeight / 10) / 10,
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

  /** With `asOf`, every dated fact counts only if recorded by then, and the planned cost is the manager's facts' then. */
  private async managerFigures(
    orgId: string,
    managerId: string,
    period: { from: string; to: string },
    asOf: string | undefined,
  ): Promise<ManagerKpisView> {
    // One statement for the figures: a manager's KPIs are read often (dashboards, history buckets).
    const plannedNow = `, (SELECT coalesce(sum(planned_cost_minor), 0) AS planned FROM task_rm
         WHERE manager_id = $1 AND org_id = $2 AND known AND status <> 'cancelled') AS budget`;
    const [figures] = await preparedQuery<{
      done: number;
      with_due: number;
      on_time: number;
      in_period: string;
      to_date: string;
      defects: number;
      reworks: number;
      planned?: string;
    }>(
      this.dataSource.manager,
      `SELECT completed.*, cost.*, quality.*${asOf ? '' : ', budget.planned'}
       FROM (SELECT count(*)::int AS done, count(*) FILTER (WHERE due_date IS NOT NULL)::int AS with_due,
                    count(*) FILTER (WHERE due_date IS NOT NULL AND (completed_at AT TIME ZONE 'UTC')::date <= due_date)::int AS on_time
             FROM task_rm WHERE manager_id = $1 AND org_id = $2 AND completed_at >= $3::date AND completed_at < $4::date AND completed_at <= $5::timestamptz) AS completed,
            (SELECT coalesce(sum(amount_minor) FILTER (WHERE incurred_on >= $3::date), 0) AS in_period, coalesce(sum(amount_minor), 0) AS to_date
             FROM cost_entry WHERE manager_id = $1 AND org_id = $2 AND incurred_on < $4::date AND recorded_at <= $5::timestamptz) AS cost,
            (SELECT count(*) FILTER (WHERE kind = 'defect')::int AS defects, count(*) FILTER (WHERE kind = 'rework')::int AS reworks
             FROM quality_issue WHERE manager_id = $1 AND org_id = $2 AND recorded_at >= $3::date AND recorded_at < $4::date AND recorded_at <= $5::timestamptz) AS quality
            ${asOf ? '' : plannedNow}`,
      [managerId, orgId, period.from, period.to, recordedBy(asOf)],
    );
    const spent = Number(figures.to_date);
    const planned = asOf
      ? ((await this.factsAsOf(orgId, 'manager', managerId, asOf))?.plannedCost ?? null)
      : Number(figures.planned);
    return {
      managerId,
      ...period,
      throughput: figures.done,
      costPerCompletedTaskMinor: perItem(Number(figures.in_period), figures.done),
      onTimeRate: ratio(figures.on_time, figures.with_due),
      spentMinor: spent,
      budgetMinor: planned,
      spendAgainstBudget: planned === null ? null : ratio(spent, planned),
      defects: figures.defects,
      reworks: figures.reworks,
      defectRate: ratio(figures.defects, figures.done),
      reworkRate: ratio(figures.reworks, figures.done),
    };
  }

  private async organisationFigures(
    orgId: string,
    orgUnitId: string | null,
    period: { from: string; to: string },
    score: ScoreFigures,
    asOf: string | undefined,
  ): Promise<OrganisationKpisView> {
    // Units below the one asked for; managers and goals of those units. Without a unit: the whole organisation.
    const units = `WITH RECURSIVE units(org_unit_id, depth) AS (SELECT $2::uuid, 0 UNION ALL SELECT u.org_unit_id, depth + 1 FROM org_unit_rm u JOIN units ON u.parent_org_unit_id = units.org_unit_id WHERE depth < 64)`;
    const managerFilter = orgUnitId
      ? `AND manager_id IN (SELECT person_id FROM person_rm WHERE org_unit_id IN (SELECT org_unit_id FROM units))`
      : `AND $2::uuid IS NULL`;
    const goalFilter = orgUnitId
      ? `AND goal_id IN (SELECT goal_id FROM goal_rm WHERE org_unit_id IN (SELECT org_unit_id FROM units))`
      : `AND $2::uuid IS NULL`;
    const params = [orgId, orgUnitId, period.from, period.to, recordedBy(asOf)];
    const [hours] = await preparedQuery<{ linked: string; total: string }>(
      this.dataSource.manager,
      `${units} SELECT coalesce(sum(minutes) FILTER (WHERE goal_id IS NOT NULL), 0) AS linked, coalesce(sum(minutes), 0) AS total
       FROM hours_entry WHERE org_id = $1 ${managerFilter} AND worked_on >= $3::date AND worked_on < $4::date AND recorded_at <= $5::timestamptz`,
      params,
    );
    const [cost] = await preparedQuery<{ linked: string; in_period: string; to_date: string }>(
      this.dataSource.manager,
      `${units} SELECT coalesce(sum(amount_minor) FILTER (WHERE goal_id IS NOT NULL AND incurred_on >= $3::date), 0) AS linked,
              coalesce(sum(amount_minor) FILTER (WHERE incurred_on >= $3::date), 0) AS in_period, coalesce(sum(amount_minor), 0) AS to_date
       FROM cost_entry WHERE org_id = $1 ${managerFilter} AND incurred_on < $4::date AND recorded_at <= $5::timestamptz`,
      params,
    );
    const [goals] = await preparedQuery<{ budget: string; achieved: number; missed: number }>(
      this.dataSource.manager,
      `${units} SELECT coalesce(sum(applied_budget), 0) AS budget,
              count(*) FILTER (WHERE closed_outcome = 'achieved' AND closed_at >= $3::date AND closed_at < $4::date AND closed_at <= $5::timestamptz)::int AS achieved,
              count(*) FILTER (WHERE closed_outcome = 'missed' AND closed_at >= $3::date AND closed_at < $4::date AND closed_at <= $5::timestamptz)::int AS missed
       FROM goal_rm WHERE org_id = $1 ${goalFilter}`,
      params,
    );
    const [risks] = await preparedQuery<{ mitigated: number; materialised: number }>(
      this.dataSource.manager,
      `${units} SELECT count(*) FILTER (WHERE status = 'mitigated')::int AS mitigated, count(*) FILTER (WHERE status = 'materialised')::int AS materialised
       FROM risk_transition WHERE org_id = $1 ${goalFilter} AND at >= $3::date AND at < $4::date AND at <= $5::timestamptz`,
      params,
    );
    const [throughput] = await preparedQuery<{ done: number }>(
      this.dataSource.manager,
      `${units} SELECT count(*)::int AS done FROM task_rm WHERE org_id = $1 ${managerFilter} AND completed_at >= $3::date AND completed_at < $4::date AND completed_at <= $5::timestamptz`,
      params,
    );
    const linkedShare =
      Number(hours.total) > 0
        ? ratio(Number(hours.linked), Number(hours.total))
        : ratio(Number(cost.linked), Number(cost.in_period));
    const spent = Number(cost.to_date);
    // As of an earlier time, the goal budgets the scope's facts counted then.
    const budget = asOf
      ? ((await this.factsAsOf(orgId, orgUnitId ? 'org_unit' : 'organisation', orgUnitId ?? orgId, asOf))?.goalBudget ??
        null)
      : Number(goals.budget);
    return {
      orgUnitId,
      ...period,
      linkedEffortShare: linkedShare,
      alignmentScore: score.alignmentScore,
      spentMinor: spent,
      goalBudgetMinor: budget,
      budgetConsumption: budget === null ? null : ratio(spent, budget),
      goalsAchieved: goals.achieved,
      goalsMissed: goals.missed,
      goalAttainmentRate: ratio(goals.achieved, goals.achieved + goals.missed),
      keyResultAttainment: score.keyResultAttainment,
      risksMitigated: risks.mitigated,
      risksMaterialised: risks.materialised,
      riskManagementEffectiveness: ratio(risks.mitigated, risks.mitigated + risks.materialised),
      throughput: throughput.done,
    };
  }
}

interface ScoreFigures {
  alignmentScore: number | null;
  keyResultAttainment: number | null;
}

/** The latest time a fact may have been recorded to count: `asOf`, or any time. */
function recordedBy(asOf: string | undefined): string {
  return asOf ?? 'infinity';
}
