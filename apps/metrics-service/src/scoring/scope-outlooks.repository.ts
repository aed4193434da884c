import { EntityManager } from 'typeorm';
import { Score, ScopeKind } from './alignment-formula';
import { Forecast, forecast } from './forecast.rules';
import { factsFromRow, FACT_COLUMNS, ScopeRef } from './scope-facts.repository';

const CLOSED_STATUSES = ['achieved', 'missed', 'abandoned'];

/** A scope as its readers see it: its stored score and, computed from its stored facts, its forecast at completion. */
export interface ScopeOutlook {
  ref: ScopeRef;
  name: string;
  /** The organisation's day, which the forecast is made for. */
  asOf: string;
  currency: string | null;
  /** Null while the scope has no score (nor, then, a forecast). */
  score: Pick<Score, 'score' | 'band' | 'components' | 'drivers'> | null;
  forecast: Forecast | null;
}

/**
 * Scores and forecasts of scopes, in one statement, in the order asked: what the score and forecast
 * endpoints answer, and what a simulation reads before and after its changes (inside its transaction).
 */
export async function readScopeOutlooks(tx: EntityManager, orgId: string, refs: ScopeRef[]): Promise<ScopeOutlook[]> {
  if (refs.length === 0) return [];
  const rows: any[] = await tx.query(
    `SELECT ids.scope AS ref_scope, ids.id AS ref_id, s.score, s.band, s.components, s.drivers, ${FACT_COLUMNS.map((name) => `f.${name}`).join(', ')},
       coalesce(g.title, p.name, u.name, CASE WHEN ids.scope = 'organisation' THEN o.name END) AS name,
       to_char(coalesce(o.as_of, s.as_of), 'YYYY-MM-DD') AS as_of_day,
       to_char(g.period_start, 'YYYY-MM-DD') AS period_start, to_char(g.period_end, 'YYYY-MM-DD') AS period_end,
       CASE WHEN g.status = ANY($4) THEN to_char(g.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS closed_on,
       g.currency
     FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS ids(scope, id, position)
     LEFT JOIN alignment_score s ON s.scope = ids.scope AND s.scope_id = ids.id AND s.org_id = $3
     LEFT JOIN scope_facts f ON f.scope = ids.scope AND f.scope_id = ids.id
     LEFT JOIN goal_rm g ON ids.scope = 'goal' AND g.goal_id = ids.id AND g.org_id = $3
     LEFT JOIN person_rm p ON ids.scope = 'manager' AND p.person_id = ids.id AND p.org_id = $3
     LEFT JOIN org_unit_rm u ON ids.scope = 'org_unit' AND u.org_unit_id = ids.id AND u.org_id = $3
     LEFT JOIN org_state o ON o.org_id = $3
     ORDER BY ids.position`,
    [refs.map((ref) => ref.scope), refs.map((ref) => ref.id), orgId, CLOSED_STATUSES],
  );
  return rows.map((row) => {
    const scope = row.ref_scope as ScopeKind;
    const scored = row.score !== null;
    const period = row.period_start && row.period_end ? { start: row.period_start, end: row.period_end } : null;
    return {
      ref: { scope, id: row.ref_id },
      name: row.name ?? '',
      asOf: row.as_of_day,
      currency: row.currency ?? null,
      score: scored ? { score: row.score, band: row.band, components: row.components, drivers: row.drivers } : null,
      forecast: scored
        ? forecast({ kind: scope, facts: factsFromRow(row), asOf: row.as_of_day, period, closedOn: row.closed_on })
        : null,
    };
  });
}

/** An open alert, without its id and time (a simulation's are never stored, so those would be made up). */
export interface OpenAlert {
  kind: string;
  subjectId: string;
  scope: ScopeKind;
  scopeId: string;
  message: string;
  details: Record<string, unknown>;
}

/** The open alerts about the given scopes, by scope, each list ordered by kind and subject. */
export async function readOpenAlerts(
  tx: EntityManager,
  orgId: string,
  refs: ScopeRef[],
): Promise<Map<string, OpenAlert[]>> {
  const byScope = new Map<string, OpenAlert[]>();
  if (refs.length === 0) return byScope;
  const rows: any[] = await tx.query(
    `SELECT a.kind, a.subject_id, a.scope, a.scope_id, a.message, a.details
     FROM open_alert a JOIN unnest($2::text[], $3::uuid[]) AS ids(scope, id) ON a.scope = ids.scope AND a.scope_id = ids.id
     WHERE a.org_id = $1 ORDER BY a.scope, a.scope_id, a.kind, a.subject_id`,
    [orgId, refs.map((ref) => ref.scope), refs.map((ref) => ref.id)],
  );
  for (const row of rows) {
    const key = `${row.scope}:${row.scope_id}`;
    byScope.set(key, [
      ...(byScope.get(key) ?? []),
      {
        kind: row.kind,
        subjectId: row.subject_id,
        scope: row.scope,
        scopeId: row.scope_id,
        message: row.message,
        details: row.details,
      },
    ]);
  }
  return byScope;
}
