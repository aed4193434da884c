import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '@throughline/messaging';
import { Actor, invalid, notFound, page, Page } from '@throughline/service-kit';
import { AlignmentSettings, reweighScore, ScopeKind, ScoreComponent } from './alignment-formula';
import {
  AlertView,
  ScoreAsOfQueryDto,
  ScoreCompareQueryDto,
  ScoreComparisonView,
  ScoreHistoryQueryDto,
  ScoreListQueryDto,
  ScorePointView,
  ScoreView,
} from './dto/score.dto';
import { assertMayRead } from '../access/read-access.rules';
import { reportingTeam } from './reporting-team';
import { compareScores, ScoreAt } from './score-comparison';
import { readSettingsVersion } from './settings.repository';

export const SCOPE_NAMES: Record<ScopeKind, string> = {
  goal: 'Goal',
  manager: 'Manager',
  org_unit: 'Org unit',
  organisation: 'Organisation',
};

/** Reads scores, their history and open alerts, always within the actor's organisation. */
@Injectable()
export class ScoresService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The current score, or as it stood at `asOf`, re-weighed under `settingsVersion` when asked. */
  async score(actor: Actor, scope: ScopeKind, scopeId: string, query: ScoreAsOfQueryDto = {}): Promise<ScoreView> {
    let view = await this.current(actor, scope, scopeId);
    if (query.asOf) view = await this.asOf(actor.orgId, view, query.asOf);
    if (query.settingsVersion !== undefined) {
      const reweigh = await this.reweigher(actor.orgId, query.settingsVersion);
      view = { ...view, ...(await reweigh(view)) };
    }
    return view;
  }

  /** Two scores of one scope side by side: what moved, by how much, and why. */
  async compare(
    actor: Actor,
    scope: ScopeKind,
    scopeId: string,
    query: ScoreCompareQueryDto,
  ): Promise<ScoreComparisonView> {
    if (query.to && Date.parse(query.to) < Date.parse(query.from))
      throw invalid(`\`to\` (${query.to}) is before \`from\` (${query.from}).`, 'to');
    const from = await this.score(actor, scope, scopeId, { asOf: query.from, settingsVersion: query.settingsVersion });
    const to = await this.score(actor, scope, scopeId, { asOf: query.to, settingsVersion: query.settingsVersion });
    return { from, to, ...compareScores(asScoreAt(from), asScoreAt(to)) };
  }

  private async current(actor: Actor, scope: ScopeKind, scopeId: string): Promise<ScoreView> {
    const [row] = await preparedQuery(
      this.dataSource.manager,
      `SELECT s.*, to_char(s.as_of, 'YYYY-MM-DD') AS as_of_day, coalesce(g.title, p.name, u.name, o.name) AS name
       FROM alignment_score s
       LEFT JOIN goal_rm g ON s.scope = 'goal' AND g.goal_id = s.scope_id
       LEFT JOIN person_rm p ON s.scope = 'manager' AND p.person_id = s.scope_id
       LEFT JOIN org_unit_rm u ON s.scope = 'org_unit' AND u.org_unit_id = s.scope_id
       LEFT JOIN org_state o ON s.scope = 'organisation' AND o.org_id = s.scope_id
       WHERE s.scope = $1 AND s.scope_id = $2 AND s.org_id = $3`,
      [scope, scopeId, actor.orgId],
    );
    if (!row)
      throw notFound(
        SCOPE_NAMES[scope],
        scopeId,
        `${SCOPE_NAMES[scope]} ${scopeId} has no score in your organisation (yet).`,
      );
    // After the lookup, so another organisation's id answers 404 whatever the role (docs/security.md).
    assertMayRead(actor, scope, scopeId, scope === 'manager' ? await reportingTeam(this.dataSource, actor) : undefined);
    return toView(row);
  }

  /** The last change of the score at or before `at`, with its explanation as it was then. */
  private async asOf(orgId: string, current: ScoreView, at: string): Promise<ScoreView> {
    const [point] = await this.dataSource.query(
      `SELECT score, band, components, drivers, settings_version, at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
       FROM alignment_score_history WHERE scope = $1 AND scope_id = $2 AND org_id = $3 AND at <= $4 ORDER BY at DESC, id DESC LIMIT 1`,
      [current.scope, current.scopeId, orgId, at],
    );
    if (!point)
      throw notFound(
        SCOPE_NAMES[current.scope as ScopeKind],
        current.scopeId,
        `${SCOPE_NAMES[current.scope as ScopeKind]} ${current.scopeId} had no score yet at ${at}.`,
      );
    return {
      ...current,
      score: point.score,
      band: point.band,
      components: point.components,
      // Points recorded before history kept drivers have none.
      drivers: point.drivers ?? [],
      asOf: point.day,
      computedAt: new Date(point.at).toISOString(),
      settingsVersion: point.settings_version,
    };
  }

  /**
   * Re-weighs stored scores under one version of the organisation's settings, from their stored
   * components (the same weighing as the live score). The risk component's value depends on
   * `highRiskExposure`, so a version that changed it cannot be applied this way.
   */
  private async reweigher(
    orgId: string,
    version: number,
  ): Promise<(stored: Pick<ScoreView, 'score' | 'band' | 'components' | 'settingsVersion'>) => Promise<Reweighed>> {
    const target = await readSettingsVersion(this.dataSource.manager, orgId, version);
    if (!target) throw invalid(`Your organisation has no settings version ${version}.`, 'settingsVersion');
    const versions = new Map<number, AlignmentSettings | null>([[version, target]]);
    return async (stored) => {
      if (stored.settingsVersion === version) return { settingsVersion: version, reweighedFromVersion: null };
      if (!versions.has(stored.settingsVersion))
        versions.set(
          stored.settingsVersion,
          await readSettingsVersion(this.dataSource.manager, orgId, stored.settingsVersion),
        );
      const original = versions.get(stored.settingsVersion);
      if (!original)
        throw invalid(
          `This score was computed under settings version ${stored.settingsVersion}, which was set before versions were kept: it cannot be re-weighed.`,
          'settingsVersion',
        );
      if (original.highRiskExposure !== target.highRiskExposure)
        throw invalid(
          `Settings version ${version} counts risks as high from exposure ${target.highRiskExposure}, version ${stored.settingsVersion} (which scored this) from ${original.highRiskExposure}: that changes the risk facts themselves, so it cannot be re-weighed — rebuild the scores under it instead (npm run metrics:rebuild).`,
          'settingsVersion',
        );
      return {
        ...reweighScore(stored.components as ScoreComponent[], target),
        settingsVersion: version,
        reweighedFromVersion: stored.settingsVersion,
      };
    };
  }

  async list(actor: Actor, scope: ScopeKind, query: ScoreListQueryDto): Promise<Page<ScoreView>> {
    assertMayRead(actor, scope, actor.orgId);
    const params: unknown[] = [scope, actor.orgId];
    const team = scope === 'manager' ? await reportingTeam(this.dataSource, actor) : undefined;
    const band = `${query.band ? `AND s.band = $${params.push(query.band)}` : ''} ${team ? `AND s.scope_id = ANY($${params.push([...team])})` : ''}`;
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM alignment_score s WHERE s.scope = $1 AND s.org_id = $2 ${band}`,
      params,
    );
    const rows = await this.dataSource.query(
      `SELECT s.*, to_char(s.as_of, 'YYYY-MM-DD') AS as_of_day, coalesce(g.title, p.name, u.name) AS name FROM alignment_score s
       LEFT JOIN goal_rm g ON s.scope = 'goal' AND g.goal_id = s.scope_id
       LEFT JOIN person_rm p ON s.scope = 'manager' AND p.person_id = s.scope_id
       LEFT JOIN org_unit_rm u ON s.scope = 'org_unit' AND u.org_unit_id = s.scope_id
       WHERE s.scope = $1 AND s.org_id = $2 ${band} ORDER BY s.score, s.scope_id LIMIT ${query.limit} OFFSET ${query.offset}`,
      params,
    );
    return page(rows.map(toView), total, query);
  }

  async history(
    actor: Actor,
    scope: ScopeKind,
    scopeId: string,
    query: ScoreHistoryQueryDto,
  ): Promise<Page<ScorePointView>> {
    await this.score(actor, scope, scopeId);
    const params: unknown[] = [scope, scopeId, actor.orgId];
    const total = async (sql: string) =>
      (await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) AS matching`, params))[0]
        .total as number;
    let sql: string;
    if (query.interval === 'day') {
      // One index probe per day for that day's last point, rather than sorting every change; the days run
      // from the first change to the last one within the range (greatest and least pass over a NULL bound).
      const scopeRows = 'FROM alignment_score_history WHERE scope = $1 AND scope_id = $2 AND org_id = $3';
      const lower = `greatest($${params.push(query.from ?? null)}::timestamptz, (SELECT min(at) ${scopeRows}))`;
      const upper = `least($${params.push(query.to ?? null)}::timestamptz, (SELECT max(at) ${scopeRows}) + interval '1 microsecond')`;
      sql = `SELECT close.* FROM (SELECT ${lower} AS lower, ${upper} AS upper) AS bounds
        CROSS JOIN LATERAL generate_series(
          date_trunc('day', bounds.lower AT TIME ZONE 'UTC'),
          date_trunc('day', (bounds.upper - interval '1 microsecond') AT TIME ZONE 'UTC'),
          interval '1 day') AS day
        CROSS JOIN LATERAL (
          SELECT score, band, components, settings_version, at ${scopeRows}
            AND at >= greatest(day AT TIME ZONE 'UTC', bounds.lower) AND at < least((day + interval '1 day') AT TIME ZONE 'UTC', bounds.upper)
          ORDER BY at DESC, id DESC LIMIT 1) AS close`;
    } else {
      const range = `${query.from ? `AND at >= $${params.push(query.from)}` : ''} ${query.to ? `AND at < $${params.push(query.to)}` : ''}`;
      sql = `SELECT score, band, components, settings_version, at, id FROM alignment_score_history WHERE scope = $1 AND scope_id = $2 AND org_id = $3 ${range}`;
    }
    const order = query.interval === 'day' ? 'at DESC' : 'at, id';
    const rows = await this.dataSource.query(
      `SELECT score, band, components, settings_version, at FROM (${sql}) AS points ORDER BY ${order} LIMIT ${query.limit} OFFSET ${query.offset}`,
      params,
    );
    const reweigh =
      query.settingsVersion === undefined ? null : await this.reweigher(actor.orgId, query.settingsVersion);
    const points: ScorePointView[] = [];
    for (const row of rows) {
      const point = {
        score: row.score,
        band: row.band,
        components: row.components,
        at: new Date(row.at).toISOString(),
        settingsVersion: row.settings_version,
      };
      if (!reweigh) points.push(point);
      else {
        const { score, band, components, settingsVersion } = { ...point, ...(await reweigh(point)) };
        points.push({ ...point, score, band, components, settingsVersion });
      }
    }
    return page(points, await total(sql), query);
  }

  async alerts(actor: Actor, query: { limit: number; offset: number; kind?: string }): Promise<Page<AlertView>> {
    const params: unknown[] = [actor.orgId];
    const kind = query.kind ? `AND kind = $${params.push(query.kind)}` : '';
    // A manager sees the alerts about themselves; directors all of the organisation's.
    const mine = actor.role === 'manager' ? `AND scope = 'manager' AND scope_id = $${params.push(actor.personId)}` : '';
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM open_alert WHERE org_id = $1 ${kind} ${mine}`,
      params,
    );
    const rows = await this.dataSource.query(
      `SELECT * FROM open_alert WHERE org_id = $1 ${kind} ${mine} ORDER BY raised_at DESC, alert_id LIMIT ${query.limit} OFFSET ${query.offset}`,
      params,
    );
    return page(
      rows.map((row: any) => ({
        alertId: row.alert_id,
        kind: row.kind,
        scope: row.scope,
        scopeId: row.scope_id,
        message: row.message,
        details: row.details,
        raisedAt: new Date(row.raised_at).toISOString(),
      })),
      total,
      query as never,
    );
  }
}

function toView(row: any): ScoreView {
  return {
    scope: row.scope,
    scopeId: row.scope_id,
    name: row.name ?? '',
    score: row.score,
    band: row.band,
    components: row.components,
    drivers: row.drivers,
    asOf: row.as_of_day,
    computedAt: new Date(row.computed_at).toISOString(),
    settingsVersion: row.settings_version,
    reweighedFromVersion: null,
  };
}

type Reweighed = Partial<Pick<ScoreView, 'score' | 'band' | 'components'>> &
  Pick<ScoreView, 'settingsVersion' | 'reweighedFromVersion'>;

/** A view's components and drivers are the formula's, their names widened to strings for OpenAPI. */
function asScoreAt(view: ScoreView): ScoreAt {
  return view as unknown as ScoreAt;
}
