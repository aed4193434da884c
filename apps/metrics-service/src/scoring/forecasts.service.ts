import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor, notFound } from '@throughline/service-kit';
import { assertMayRead } from '../access/read-access.rules';
import { ScopeKind } from './alignment-formula';
import { ForecastView } from './dto/forecast.dto';
import { reportingTeam } from './reporting-team';
import { readScopeOutlooks } from './scope-outlooks.repository';
import { factsFromJson } from './scope-facts.repository';
import { forecast } from './forecast.rules';
import { SCOPE_NAMES } from './scores.service';

/** Forecasts at completion, computed at read time from a scope's stored facts (forecast.rules.ts). */
@Injectable()
export class ForecastsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The forecast now, or from the facts of the scope's last history point at or before `asOf`. */
  async forecast(actor: Actor, scope: ScopeKind, scopeId: string, asOf?: string): Promise<ForecastView> {
    // A scope is known once it has a score; its facts as of the organisation's day (a time pass moves both).
    const [outlook] = await readScopeOutlooks(this.dataSource.manager, actor.orgId, [{ scope, id: scopeId }]);
    if (!outlook.forecast)
      throw notFound(
        SCOPE_NAMES[scope],
        scopeId,
        `${SCOPE_NAMES[scope]} ${scopeId} has no score, so no forecast, in your organisation (yet).`,
      );
    // After the lookup, so another organisation's id answers 404 whatever the role (docs/security.md).
    assertMayRead(actor, scope, scopeId, scope === 'manager' ? await reportingTeam(this.dataSource, actor) : undefined);
    const view = {
      scope,
      scopeId,
      name: outlook.name,
      asOf: outlook.asOf,
      currency: outlook.currency,
      ...outlook.forecast,
    };
    return asOf ? this.asOf(actor.orgId, view, asOf) : view;
  }

  /** From the facts of the last history point at or before `at` (kept when the score or its facts moved), for its day. */
  private async asOf(orgId: string, current: ForecastView, at: string): Promise<ForecastView> {
    const [point] = await this.dataSource.query(
      `SELECT h.facts, to_char(h.at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              to_char(g.period_start, 'YYYY-MM-DD') AS period_start, to_char(g.period_end, 'YYYY-MM-DD') AS period_end,
              CASE WHEN g.closed_at <= $4 THEN to_char(g.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS closed_on
       FROM alignment_score_history h LEFT JOIN goal_rm g ON h.scope = 'goal' AND g.goal_id = h.scope_id
       WHERE h.scope = $1 AND h.scope_id = $2 AND h.org_id = $3 AND h.at <= $4 ORDER BY h.at DESC, h.id DESC LIMIT 1`,
      [current.scope, current.scopeId, orgId, at],
    );
    const name = SCOPE_NAMES[current.scope as ScopeKind];
    if (!point)
      throw notFound(name, current.scopeId, `${name} ${current.scopeId} had no score, so no forecast, yet at ${at}.`);
    if (!point.facts)
      throw notFound(
        name,
        current.scopeId,
        `${name} ${current.scopeId}: the forecast at ${at} is not known (score changes recorded before their facts were kept carry none).`,
      );
    const period = point.period_start && point.period_end ? { start: point.period_start, end: point.period_end } : null;
    return {
      ...current,
      asOf: point.day,
      ...forecast({
        kind: current.scope as ScopeKind,
        facts: factsFromJson(point.facts),
        asOf: point.day,
        period,
        closedOn: point.closed_on,
      }),
    };
  }
}
