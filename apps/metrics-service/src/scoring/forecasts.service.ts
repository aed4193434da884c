import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor, notFound } from '@throughline/service-kit';
import { assertMayRead } from '../access/read-access.rules';
import { ScopeKind } from './alignment-formula';
import { ForecastView } from './dto/forecast.dto';
import { forecast } from './forecast.rules';
import { reportingTeam } from './reporting-team';
import { factsFromRow, FACT_COLUMNS } from './scope-facts.repository';
import { SCOPE_NAMES } from './scores.service';

const CLOSED_STATUSES = ['achieved', 'missed', 'abandoned'];

/** Forecasts at completion, computed at read time from a scope's stored facts (forecast.rules.ts). */
@Injectable()
export class ForecastsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async forecast(actor: Actor, scope: ScopeKind, scopeId: string): Promise<ForecastView> {
    // A scope is known once it has a score; its facts as of the organisation's day (a time pass moves both).
    const [row] = await this.dataSource.query(
      `SELECT ${FACT_COLUMNS.map((name) => `f.${name}`).join(', ')},
         coalesce(g.title, p.name, u.name, CASE WHEN s.scope = 'organisation' THEN o.name END) AS name,
         to_char(coalesce(o.as_of, s.as_of), 'YYYY-MM-DD') AS as_of_day,
         to_char(g.period_start, 'YYYY-MM-DD') AS period_start, to_char(g.period_end, 'YYYY-MM-DD') AS period_end,
         CASE WHEN g.status = ANY($4) THEN to_char(g.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS closed_on,
         g.currency
       FROM alignment_score s
       LEFT JOIN scope_facts f ON f.scope = s.scope AND f.scope_id = s.scope_id
       LEFT JOIN goal_rm g ON s.scope = 'goal' AND g.goal_id = s.scope_id
       LEFT JOIN person_rm p ON s.scope = 'manager' AND p.person_id = s.scope_id
       LEFT JOIN org_unit_rm u ON s.scope = 'org_unit' AND u.org_unit_id = s.scope_id
       LEFT JOIN org_state o ON o.org_id = s.org_id
       WHERE s.scope = $1 AND s.scope_id = $2 AND s.org_id = $3`,
      [scope, scopeId, actor.orgId, CLOSED_STATUSES],
    );
    if (!row)
      throw notFound(
        SCOPE_NAMES[scope],
        scopeId,
        `${SCOPE_NAMES[scope]} ${scopeId} has no score, so no forecast, in your organisation (yet).`,
      );
    // After the lookup, so another organisation's id answers 404 whatever the role (docs/security.md).
    assertMayRead(actor, scope, scopeId, scope === 'manager' ? await reportingTeam(this.dataSource, actor) : undefined);
    const period = row.period_start && row.period_end ? { start: row.period_start, end: row.period_end } : null;
    return {
      scope,
      scopeId,
      name: row.name ?? '',
      asOf: row.as_of_day,
      currency: row.currency ?? null,
      ...forecast({ kind: scope, facts: factsFromRow(row), asOf: row.as_of_day, period, closedOn: row.closed_on }),
    };
  }
}
