import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AlertRaisedV1, AlignmentScoreChangedV1 } from '@throughline/contracts';
import { Static } from '@sinclair/typebox';
import { CommonTableExpressions, EventOutbox, eventsOf, preparedQuery } from '@throughline/messaging';
import { readSettings, VersionedSettings } from './settings.repository';
import {
  AlignmentSettings,
  DriverCandidates,
  FactVector,
  sameFacts,
  Score,
  ScopeKind,
  scoreScope,
} from './alignment-formula';
import { AlertDecision, alertKey, AlertKind, AlertToClear, AlertToRaise, scoreAlerts } from './alert.rules';
import { forecast } from './forecast.rules';
import { GoalPeriod, ScopeState, StoredScore } from './organisation-memory';
import { FACT_COLUMNS, factsFromJson, factsFromRow, ScopeRef, scopeKey } from './scope-facts.repository';
import { ScoringRun } from './scoring-run';

/** A scope whose score is to be stored. */
interface Rescored {
  ref: ScopeRef;
  name: string;
  facts: FactVector;
  next: Score;
  previous: StoredScore | null;
  /** False when only the drivers moved: no history point, event or alert. */
  changed: boolean;
  /** The facts moved (with the score or not): a history point keeps them, for forecasts and KPIs as of then. */
  factsMoved: boolean;
  settings: AlignmentSettings;
  settingsVersion: number;
  /** An open goal's period, which its forecast alerts are judged against. */
  openGoalPeriod: GoalPeriod | null;
}

/** The name of each kind of scope, from a query that finds no row when the scope is not scored (yet); `id` is the SQL of the scope's id. */
const SCOPE_SUBJECT: Record<ScopeKind, (id: string) => string> = {
  organisation: (id) => `SELECT coalesce(name, 'the organisation') AS name FROM org_state WHERE org_id = ${id}`,
  goal: (id) =>
    `SELECT title AS name, CASE WHEN status = 'active' THEN to_char(period_start, 'YYYY-MM-DD') END AS open_period_start, to_char(period_end, 'YYYY-MM-DD') AS period_end
     FROM goal_rm WHERE goal_id = ${id} AND known AND status <> 'draft'`,
  org_unit: (id) => `SELECT name FROM org_unit_rm WHERE org_unit_id = ${id} AND version > 0`,
  // A manager is scored once work of theirs has facts, named or not.
  manager: (id) =>
    `SELECT coalesce(p.name, 'manager ' || mf.scope_id) AS name FROM scope_facts mf LEFT JOIN person_rm p ON p.person_id = mf.scope_id WHERE mf.scope = 'manager' AND mf.scope_id = ${id}`,
};

type TaskCandidate = NonNullable<DriverCandidates['tasks']>[number];

/** The kinds of scope whose drivers include tasks; an org unit's name its managers instead. */
const TASK_RANKED = new Set<ScopeKind>(['goal', 'manager', 'organisation']);

/**
 * Rescores scopes from their facts and stores what changed: scores, history points,
 * score-changed events and the alerts the changes cross into or out of.
 */
@Injectable()
export class ScoreWriter {
  constructor(private readonly outbox: EventOutbox) {}

  async settingsOf(run: ScoringRun): Promise<AlignmentSettings> {
    return (await this.versionedSettingsOf(run)).settings;
  }

  private async versionedSettingsOf(run: ScoringRun): Promise<VersionedSettings> {
    run.memory.settings ??= await readSettings(run.tx, run.orgId);
    return run.memory.settings;
  }

  /**
   * Rescores scopes, kind by kind in the order given, and stores those whose score or explanation
   * moved, all kinds together. What a kind is scored from is read for all its scopes at once: their
   * state in one statement, and each kind of driver candidate in one more (the top rows of an index
   * per scope, through a lateral join).
   */
  async rescoreAndStore(run: ScoringRun, refs: ScopeRef[]): Promise<void> {
    const kinds = [...new Set(refs.map((ref) => ref.scope))];
    const scoredOfKind = new Map<ScopeKind, { ids: string[]; states: Map<string, ScopeState> }>();
    for (const kind of kinds) {
      const ids = refs.filter((ref) => ref.scope === kind).map((ref) => ref.id);
      const states = await this.scopeStates(run, kind, ids);
      scoredOfKind.set(kind, { ids: ids.filter((id) => states.has(id)), states });
    }
    const tasks = await this.taskCandidates(
      run,
      [...scoredOfKind].flatMap(([scope, { ids }]) => ids.map((id) => ({ scope, id }))),
    );
    const rescored: Rescored[] = [];
    for (const [kind, { ids, states }] of scoredOfKind) {
      if (ids.length === 0) continue;
      const settings = await this.versionedSettingsOf(run);
      const candidates = await this.candidates(run, kind, ids, rescored);
      for (const id of ids) {
        const ref = { scope: kind, id };
        const outcome = this.rescore(ref, states.get(id)!, settings, {
          ...candidates.get(id),
          ...(TASK_RANKED.has(kind) ? { tasks: tasks.get(scopeKey(ref)) ?? [] } : {}),
        });
        if (outcome) rescored.push(outcome);
      }
    }
    await this.store(run, rescored);
  }

  /**
   * The tasks that may explain each scope's score, for every kind of scope at once in one statement:
   * the top three by schedule shortfall and (but for the organisation) by cost overrun, each read
   * from the top of an index, whatever the size of the scope.
   */
  private async taskCandidates(run: ScoringRun, refs: ScopeRef[]): Promise<Map<string, TaskCandidate[]>> {
    const ranked = refs.filter((ref) => TASK_RANKED.has(ref.scope));
    const byScope = new Map<string, TaskCandidate[]>();
    if (ranked.length === 0) return byScope;
    const top = (kind: ScopeKind, column: string, measure: string) =>
      `(SELECT task_id, title, applied FROM task_rm WHERE r.kind = '${kind}' AND ${column} = r.id AND ${measure} > 0 ORDER BY ${measure} DESC, task_id LIMIT 3)`;
    const rows: Array<{
      kind: ScopeKind;
      scope_id: string;
      task_id: string;
      title: string;
      applied: { facts: FactVector; plannedValue: number; earnedValueCapped: number; earnedCost: number };
    }> = await preparedQuery(
      run.tx,
      `SELECT r.kind, r.id AS scope_id, ranked.* FROM unnest($1::text[], $2::uuid[]) AS r(kind, id) CROSS JOIN LATERAL (
         ${[
           top('goal', 'goal_id', 'schedule_shortfall'),
           top('goal', 'goal_id', 'cost_overrun'),
           top('manager', 'manager_id', 'schedule_shortfall'),
           top('manager', 'manager_id', 'cost_overrun'),
           top('organisation', 'org_id', 'schedule_shortfall'),
         ].join(' UNION ')}
       ) AS ranked`,
      [ranked.map((ref) => ref.scope), ranked.map((ref) => ref.id)],
    );
    for (const row of rows) {
      const key = scopeKey({ scope: row.kind, id: row.scope_id });
      byScope.set(key, [
        ...(byScope.get(key) ?? []),
        {
          taskId: row.task_id,
          title: row.title,
          plannedValue: row.applied.plannedValue,
          earnedValueCapped: row.applied.earnedValueCapped,
          earnedCost: row.applied.earnedCost,
          actualCost: row.applied.facts.actualCost,
        },
      ]);
    }
    return byScope;
  }

  /**
   * Raises an alert once per ongoing condition and clears the others: what moves against the alerts
   * open, in one statement with the raised alerts' events.
   */
  async applyAlerts(run: ScoringRun, decision: AlertDecision): Promise<void> {
    const alerts = await this.alertWrites(run, [decision]);
    const parts = new CommonTableExpressions();
    writeAlerts(parts, run, alerts, 'applied');
    if (alerts.raise.length > 0)
      await this.outbox.publishAll(run.tx, AlertRaisedV1, alerts.raise.map(alertRaised(run)), run.context, {
        onlyIf: parts,
      });
    else if (parts.statement) await preparedQuery(run.tx, parts.statement, parts.params);
    run.memory.alertsWritten(alerts);
  }

  /**
   * Of the alerts decided, those to open (the first of each condition not open yet) and those to
   * close (open ones), against the organisation's open alerts: held in memory, read once.
   */
  private async alertWrites(run: ScoringRun, decisions: AlertDecision[]): Promise<AlertWrites> {
    const raise = decisions.flatMap((decision) => decision.raise);
    const clear = decisions.flatMap((decision) => decision.clear);
    if (raise.length === 0 && clear.length === 0) return { raise: [], clear: [] };
    run.memory.openAlerts ??= new Set(
      (
        await preparedQuery<{ kind: AlertKind; subject_id: string }>(
          run.tx,
          `SELECT kind, subject_id FROM open_alert WHERE org_id = $1`,
          [run.orgId],
        )
      ).map((row) => alertKey({ kind: row.kind, subjectId: row.subject_id })),
    );
    const open = run.memory.openAlerts;
    const raising = new Set<string>();
    return {
      raise: raise
        .filter((alert) => {
          const key = alertKey(alert);
          if (open.has(key) || raising.has(key)) return false;
          raising.add(key);
          return true;
        })
        .map((alert) => ({ alert, alertId: randomUUID() })),
      clear: clear.filter((entry) => open.has(alertKey(entry))),
    };
  }

  /**
   * What each scope is called (none when it is not scored: a draft goal, an org unit not yet
   * created), its facts and its current score: from the organisation's memory, and for the scopes
   * it does not hold, in one read (then held).
   */
  private async scopeStates(run: ScoringRun, kind: ScopeKind, ids: string[]): Promise<Map<string, ScopeState>> {
    const states = new Map<string, ScopeState>();
    const unknown: string[] = [];
    for (const id of ids) {
      const held = run.memory.scopes.get(scopeKey({ scope: kind, id }));
      if (held) states.set(id, held);
      else unknown.push(id);
    }
    if (unknown.length === 0) return states;
    const rows = await preparedQuery<any>(
      run.tx,
      `SELECT ids.id AS scope_id, subject.*, a.score, a.band, a.components, a.drivers, a.settings_version, a.facts AS kept_facts, ${FACT_COLUMNS.map((name) => `f.${name}`).join(', ')}
       FROM unnest($1::uuid[]) AS ids(id)
       CROSS JOIN LATERAL (${SCOPE_SUBJECT[kind]('ids.id')}) AS subject
       LEFT JOIN scope_facts f ON f.scope = $2 AND f.scope_id = ids.id
       LEFT JOIN alignment_score a ON a.scope = $2 AND a.scope_id = ids.id`,
      [unknown, kind],
    );
    for (const row of rows) {
      const state: ScopeState = {
        name: row.name,
        facts: factsFromRow(row),
        current:
          row.score === null
            ? null
            : {
                score: row.score,
                band: row.band,
                components: row.components,
                drivers: row.drivers,
                settingsVersion: row.settings_version,
                facts: row.kept_facts ? factsFromJson(row.kept_facts) : null,
              },
        openGoalPeriod:
          row.open_period_start && row.period_end ? { start: row.open_period_start, end: row.period_end } : null,
      };
      states.set(row.scope_id, state);
      run.memory.scopes.set(scopeKey({ scope: kind, id: row.scope_id }), state);
    }
    return states;
  }

  /**
   * The driver candidates of each scope but its tasks (taskCandidates): the top few of each
   * ranking, read for all the scopes in one statement per ranking. `rescoredBefore` are the scores
   * of this run not stored yet, which an org unit's ranking of its managers reads in place of the
   * stored ones.
   */
  private async candidates(
    run: ScoringRun,
    kind: ScopeKind,
    ids: string[],
    rescoredBefore: Rescored[],
  ): Promise<Map<string, DriverCandidates>> {
    const tx = run.tx;
    // Each ranking reads the top of an index: a few rows per scope, whatever the size of the scope.
    const topPerScope = async <T>(
      ranking: string,
      shape: (row: any) => T,
      of = ids,
      rankingParams: unknown[] = [],
    ): Promise<Map<string, T[]>> => {
      const rows = await preparedQuery<any>(
        tx,
        `SELECT ids.id AS scope_id, ranked.* FROM unnest($1::uuid[]) AS ids(id) CROSS JOIN LATERAL (${ranking}) AS ranked`,
        [of, ...rankingParams],
      );
      const byScope = new Map<string, T[]>();
      for (const row of rows) byScope.set(row.scope_id, [...(byScope.get(row.scope_id) ?? []), shape(row)]);
      return byScope;
    };
    // Key results and risks move only with check-ins, strategy events, time passes and settings, not with task
    // reports: their rankings are held between batches until one of those comes (see OrganisationMemory.rankings).
    const heldTopPerScope = async <T>(name: string, ranking: string, shape: (row: any) => T) => {
      const key = (id: string) => `${kind}:${id}:${name}`;
      const unknown = ids.filter((id) => !run.memory.rankings.has(key(id)));
      if (unknown.length > 0) {
        const read = await topPerScope(ranking, shape, unknown);
        for (const id of unknown) run.memory.rankings.set(key(id), read.get(id) ?? []);
      }
      return new Map(ids.map((id) => [id, run.memory.rankings.get(key(id)) as T[]]));
    };
    const keyResults = (where: string) =>
      heldTopPerScope(
        'keyResults',
        `SELECT key_result_id, name, applied_weight, attainment FROM key_result_rm WHERE ${where} AND gap > 0 ORDER BY gap DESC, key_result_id LIMIT 3`,
        (row) => ({
          keyResultId: row.key_result_id,
          name: row.name,
          weight: Number(row.applied_weight),
          attainment: row.attainment,
        }),
      );
    const risks = (where: string) =>
      heldTopPerScope(
        'risks',
        `SELECT risk_id, title, applied_exposure FROM risk_rm WHERE ${where} AND applied_exposure > 0 ORDER BY applied_exposure DESC, risk_id LIMIT 3`,
        (row) => ({ riskId: row.risk_id, title: row.title, exposure: Number(row.applied_exposure) }),
      );
    const each = (parts: Partial<Record<keyof DriverCandidates, Map<string, unknown[]>>>) =>
      new Map(
        ids.map((id) => [
          id,
          Object.fromEntries(
            Object.entries(parts).map(([name, byScope]) => [name, byScope?.get(id) ?? []]),
          ) as DriverCandidates,
        ]),
      );
    switch (kind) {
      case 'goal':
        return each({
          keyResults: await keyResults('goal_id = ids.id'),
          risks: await risks('goal_id = ids.id'),
        });
      case 'manager':
        // Only tasks, read for every kind at once (taskCandidates).
        return new Map();
      case 'org_unit': {
        const inUnit = 'goal_id IN (SELECT goal_id FROM goal_rm WHERE org_unit_id = ids.id)';
        const managers = rescoredBefore.filter((entry) => entry.ref.scope === 'manager');
        return each({
          risks: await risks(inUnit),
          keyResults: await keyResults(inUnit),
          managers: await topPerScope(
            `SELECT p.person_id, p.name, coalesce(n.score, s.score) AS score FROM person_rm p
             LEFT JOIN alignment_score s ON s.scope = 'manager' AND s.scope_id = p.person_id
             LEFT JOIN unnest($2::uuid[], $3::float8[]) AS n(person_id, score) ON n.person_id = p.person_id
             WHERE p.org_unit_id = ids.id AND coalesce(n.score, s.score) IS NOT NULL ORDER BY 3, p.person_id LIMIT 3`,
            (row) => ({ managerId: row.person_id, name: row.name, score: row.score }),
            ids,
            [managers.map((entry) => entry.ref.id), managers.map((entry) => entry.next.score)],
          ),
        });
      }
      case 'organisation':
        return each({
          keyResults: await keyResults('org_id = ids.id'),
          risks: await risks('org_id = ids.id'),
        });
    }
  }

  /**
   * A scope's new score when it differs from the stored one (`changed` when more than its drivers
   * moved, or only the settings version it is computed under), or null.
   */
  private rescore(
    ref: ScopeRef,
    state: ScopeState,
    { settings, version }: VersionedSettings,
    candidates: DriverCandidates,
  ): Rescored | null {
    const { facts, current } = state;
    const next = scoreScope(ref.scope, facts, settings, candidates);
    const values = (score: Pick<Score, 'components'>) =>
      JSON.stringify(score.components.map((component) => [component.name, component.value, component.weight]));
    const changed =
      !current || current.score !== next.score || current.band !== next.band || values(current) !== values(next);
    const factsMoved = !current || current.facts === null || !sameFacts(current.facts, facts);
    if (
      !changed &&
      !factsMoved &&
      current.settingsVersion === version &&
      JSON.stringify(current.drivers) === JSON.stringify(next.drivers) &&
      JSON.stringify(current.components) === JSON.stringify(next.components)
    )
      return null;
    return {
      ref,
      name: state.name,
      facts,
      next,
      previous: current,
      changed,
      factsMoved,
      settings,
      settingsVersion: version,
      openGoalPeriod: state.openGoalPeriod,
    };
  }

  /**
   * Writes rescored scopes together: their scores, history points, score-changed events and the
   * alerts the changes clear in one statement, then the alerts they raise.
   */
  private async store(run: ScoringRun, rescored: Rescored[]): Promise<void> {
    if (rescored.length === 0) return;
    run.memory.scoresStored(
      rescored.map((entry) => ({
        ref: entry.ref,
        score: {
          score: entry.next.score,
          band: entry.next.band,
          components: asStoredJson(entry.next.components),
          drivers: asStoredJson(entry.next.drivers),
          settingsVersion: entry.settingsVersion,
          facts: entry.facts,
        },
      })),
    );
    const kept = rescored.filter((entry) => entry.changed || entry.factsMoved);
    const changed = rescored.filter((entry) => entry.changed);
    const decisions = changed.map((entry) =>
      scoreAlerts({
        ref: entry.ref,
        name: entry.name,
        facts: entry.facts,
        score: entry.next,
        previousBand: entry.previous ? entry.previous.band : null,
        settings: entry.settings,
        forecast: entry.openGoalPeriod
          ? forecast({ kind: 'goal', facts: entry.facts, asOf: run.asOf, period: entry.openGoalPeriod })
          : undefined,
      }),
    );
    const alerts = await this.alertWrites(run, decisions);
    const writes = scoreWrites(run, { rescored, kept }, alerts);
    if (changed.length === 0) await preparedQuery(run.tx, writes.statement!, writes.params);
    else
      await this.outbox.publishTogether(
        run.tx,
        [
          eventsOf(
            AlignmentScoreChangedV1,
            changed.map(({ ref, next, previous }) => ({
              scope: ref.scope,
              scopeId: ref.id,
              score: next.score,
              previousScore: previous ? previous.score : null,
              band: next.band,
              components: next.components
                .filter((component) => component.value !== null)
                .map((component) => ({
                  name: component.name,
                  value: component.value as number,
                  weight: component.weight,
                })),
              computedAt: run.scoredAt.toISOString(),
            })),
          ),
          eventsOf(AlertRaisedV1, alerts.raise.map(alertRaised(run))),
        ],
        run.context,
        { onlyIf: writes },
      );
    run.memory.alertsWritten(alerts);
  }
}

/** An alert to open, with the id it is stored and announced under. */
interface Raised {
  alert: AlertToRaise;
  alertId: string;
}

/** What a run's alert decisions change: the alerts to open and those to close. */
export interface AlertWrites {
  raise: Raised[];
  clear: AlertToClear[];
}

/** The event of an alert opened in a run. */
function alertRaised(run: ScoringRun): (raised: Raised) => Static<typeof AlertRaisedV1.schema> {
  return ({ alert, alertId }) => ({
    alertId,
    kind: alert.kind,
    scope: alert.scope.scope,
    scopeId: alert.scope.id,
    message: alert.message.slice(0, 2000),
    details: alert.details,
    raisedAt: run.scoredAt.toISOString(),
  });
}

/**
 * The scores upserted (the `applied` a guarded outbox statement waits for), the history points
 * kept (every score change, and every move of the facts a score is computed from: the forecast's
 * and KPIs' past) and the alerts opened and closed, as one statement's parts.
 */
function scoreWrites(
  run: ScoringRun,
  { rescored, kept }: { rescored: Rescored[]; kept: Rescored[] },
  alerts: AlertWrites,
): CommonTableExpressions {
  const parts = new CommonTableExpressions();
  const $ = (value: unknown) => parts.param(value);
  const json = (value: unknown) => JSON.stringify(value);
  const rows = (entries: Rescored[]) =>
    `unnest(${$(entries.map((entry) => entry.ref.scope))}::text[], ${$(entries.map((entry) => entry.ref.id))}::uuid[],
       ${$(entries.map((entry) => entry.next.score))}::float8[], ${$(entries.map((entry) => entry.next.band))}::text[],
       ${$(entries.map((entry) => json(entry.next.components)))}::jsonb[], ${$(entries.map((entry) => json(entry.next.drivers)))}::jsonb[],
       ${$(entries.map((entry) => entry.settingsVersion))}::int[], ${$(entries.map((entry) => json(entry.facts)))}::jsonb[])
     AS s(scope, scope_id, score, band, components, drivers, settings_version, facts)`;
  const orgId = $(run.orgId);
  const at = $(run.scoredAt);
  parts.add(
    'applied',
    `INSERT INTO alignment_score (scope, scope_id, org_id, score, band, components, drivers, settings_version, facts, as_of, computed_at)
    SELECT scope, scope_id, ${orgId}::uuid, score, band, components, drivers, settings_version, facts, ${$(run.asOf)}::date, ${at}::timestamptz
    FROM ${rows(rescored)}
    ON CONFLICT (scope, scope_id) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band, components = EXCLUDED.components, drivers = EXCLUDED.drivers,
      settings_version = EXCLUDED.settings_version, facts = EXCLUDED.facts, as_of = EXCLUDED.as_of, computed_at = EXCLUDED.computed_at
    RETURNING 1`,
  );
  if (kept.length > 0)
    parts.add(
      'history',
      `INSERT INTO alignment_score_history (scope, scope_id, org_id, score, band, components, drivers, settings_version, facts, at)
    SELECT scope, scope_id, ${orgId}::uuid, score, band, components, drivers, settings_version, facts, ${at}::timestamptz
    FROM ${rows(kept)}`,
    );
  writeAlerts(parts, run, alerts, 'raised');
  return parts;
}

/** The alerts opened (a part named `raisedAs`) and closed, as parts of a statement. */
function writeAlerts(parts: CommonTableExpressions, run: ScoringRun, alerts: AlertWrites, raisedAs: string): void {
  const $ = (value: unknown) => parts.param(value);
  if (alerts.raise.length > 0) {
    const values = (pick: (raised: Raised) => unknown, type: string) => `${$(alerts.raise.map(pick))}::${type}[]`;
    parts.add(
      raisedAs,
      `INSERT INTO open_alert (org_id, kind, subject_id, alert_id, scope, scope_id, message, details, raised_at)
    SELECT ${$(run.orgId)}::uuid, kind, subject_id, alert_id, scope, scope_id, message, details, ${$(run.scoredAt)}::timestamptz
    FROM unnest(${[
      values(({ alert }) => alert.kind, 'text'),
      values(({ alert }) => alert.subjectId, 'uuid'),
      values(({ alertId }) => alertId, 'uuid'),
      values(({ alert }) => alert.scope.scope, 'text'),
      values(({ alert }) => alert.scope.id, 'uuid'),
      values(({ alert }) => alert.message, 'text'),
      values(({ alert }) => JSON.stringify(alert.details), 'jsonb'),
    ].join(', ')}) AS a(kind, subject_id, alert_id, scope, scope_id, message, details)
    RETURNING 1`,
    );
  }
  if (alerts.clear.length > 0)
    parts.add(
      'cleared',
      `DELETE FROM open_alert a USING unnest(${$(alerts.clear.map((entry) => entry.kind))}::text[], ${$(alerts.clear.map((entry) => entry.subjectId))}::uuid[]) AS c(kind, subject_id)
    WHERE a.org_id = ${$(run.orgId)}::uuid AND a.kind = c.kind AND a.subject_id = c.subject_id`,
    );
}

/**
 * A value as PostgreSQL hands jsonb back (keys shortest first, then in byte order; no undefined
 * members): what memory holds as the stored score is then what reading it would have given, so
 * rescoring compares alike whether the score came from memory or from the table.
 */
function asStoredJson<T>(value: T): T {
  const ordered = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(ordered);
    if (item === null || typeof item !== 'object') return item;
    const keys = Object.keys(item).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(keys.map((key) => [key, ordered((item as Record<string, unknown>)[key])]));
  };
  return ordered(JSON.parse(JSON.stringify(value))) as T;
}
