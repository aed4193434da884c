import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AlertRaisedV1, AlignmentScoreChangedV1, ALERT_KINDS } from '@throughline/contracts';
import { beforeCommit, EventContext, EventOutbox } from '@throughline/messaging';
import {
  addFacts,
  AlignmentSettings,
  DriverCandidates,
  effortShare,
  emptyFacts,
  FactVector,
  round1,
  ScopeKind,
  scoreScope,
  Score,
  ScoreBand,
} from './alignment-formula';
import {
  budgetFacts,
  keyResultContribution,
  riskFacts,
  taskContribution,
  TaskStatus,
  unmitigatedExposure,
} from './contributions';
import {
  addToScopes,
  FACT_COLUMNS,
  factsFromJson,
  factsFromRow,
  orderedScopes,
  readFacts,
  ScopeRef,
  scopeKey,
} from './scope-facts.repository';
import { SettingsService } from '../settings/settings.service';

type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * One unit of work on an organisation's scores: an event being applied, a time pass or a
 * settings change. It collects the scopes whose facts changed and rescores only those.
 */
export interface ScoringRun {
  tx: EntityManager;
  orgId: string;
  /** The day scores are computed for: the latest day seen by events or passes, never the wall clock. */
  asOf: string;
  /** Stored as the time of history points and alerts: the event's time, or the pass's. */
  at: Date;
  context: EventContext;
  dirty: Map<string, ScopeRef>;
  settings?: AlignmentSettings;
}

interface AppliedTask {
  goalId: string | null;
  managerId: string;
  facts: FactVector;
}

/** A scope whose score is to be stored, with what its alerts are judged on. */
interface Rescored {
  ref: ScopeRef;
  name: string;
  facts: FactVector;
  next: Score;
  previous: StoredScore | null;
  /** False when only the drivers moved: no history point, event or alert. */
  changed: boolean;
  settings: AlignmentSettings;
}

const SCOPE_KINDS_IN_ORDER: ScopeKind[] = ['goal', 'manager', 'org_unit', 'organisation'];

interface StoredScore {
  score: number;
  band: ScoreBand;
  components: Score['components'];
  drivers: Score['drivers'];
}

/** The name of each kind of scope, from a query that finds no row when the scope is not scored (yet). $1 is the scope's id. */
const SCOPE_SUBJECT: Record<ScopeKind, string> = {
  organisation: `SELECT coalesce(name, 'the organisation') AS name FROM org_state WHERE org_id = $1`,
  goal: `SELECT title AS name FROM goal_rm WHERE goal_id = $1 AND known AND status <> 'draft'`,
  org_unit: `SELECT name FROM org_unit_rm WHERE org_unit_id = $1 AND version > 0`,
  // A manager is scored once work of theirs has facts, named or not.
  manager: `SELECT coalesce(p.name, 'manager ' || f.scope_id) AS name FROM scope_facts f LEFT JOIN person_rm p ON p.person_id = f.scope_id WHERE f.scope = 'manager' AND f.scope_id = $1`,
};

const MAX_DEPTH = 64;
const BAND_RANK: Record<ScoreBand, number> = { on_track: 0, at_risk: 1, off_track: 2 };

@Injectable()
export class ScoringEngine {
  private readonly openRuns = new WeakMap<EntityManager, Map<string, ScoringRun>>();

  constructor(
    // Explicit tokens: the bench runs under tsx, which emits no decorator metadata.
    @Inject(EventOutbox) private readonly outbox: EventOutbox,
    @Inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  /**
   * Starts a run for an organisation, locking its clock row (one writer per organisation at a
   * time, always taken first) and moving its day forward to `at` if that is later.
   */
  async begin(tx: EntityManager, orgId: string, at: Date, context: EventContext): Promise<ScoringRun> {
    const day = at.toISOString().slice(0, 10);
    await tx.query(`INSERT INTO org_state (org_id, as_of) VALUES ($1, $2) ON CONFLICT (org_id) DO NOTHING`, [
      orgId,
      day,
    ]);
    const [state] = await tx.query(
      `SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of FROM org_state WHERE org_id = $1 FOR UPDATE`,
      [orgId],
    );
    const run: ScoringRun = { tx, orgId, asOf: state.as_of, at, context, dirty: new Map() };
    await this.advanceTo(run, day);
    return run;
  }

  /**
   * The organisation's run in a consumer transaction: the first event begins it and defers the
   * rescoring to the commit; later events of the same transaction join it, so a scope that
   * many of them touch is rescored (and its history point and event written) once.
   */
  async runInTransaction(tx: EntityManager, orgId: string, at: Date, context: EventContext): Promise<ScoringRun> {
    const runs = this.openRuns.get(tx) ?? new Map<string, ScoringRun>();
    this.openRuns.set(tx, runs);
    const open = runs.get(orgId);
    if (open) {
      Object.assign(open, { at, context });
      await this.advanceTo(open, at.toISOString().slice(0, 10));
      return open;
    }
    const run = await this.begin(tx, orgId, at, context);
    runs.set(orgId, run);
    beforeCommit(tx, () => this.finish(run));
    return run;
  }

  /** Moves the organisation's day forward, updating only what crossed a date on the way (indexed by next change). */
  async advanceTo(run: ScoringRun, day: string): Promise<void> {
    if (day <= run.asOf) return;
    run.asOf = day;
    await run.tx.query(`UPDATE org_state SET as_of = $2 WHERE org_id = $1`, [run.orgId, day]);
    const tasks: Array<{ task_id: string }> = await run.tx.query(
      `SELECT task_id FROM task_rm WHERE org_id = $1 AND next_change_on <= $2 ORDER BY task_id`,
      [run.orgId, day],
    );
    for (const { task_id } of tasks) await this.recontributeTask(run, task_id);
    const keyResults: Array<{ key_result_id: string }> = await run.tx.query(
      `SELECT key_result_id FROM key_result_rm WHERE org_id = $1 AND next_change_on <= $2 ORDER BY key_result_id`,
      [run.orgId, day],
    );
    for (const { key_result_id } of keyResults) await this.recontributeKeyResult(run, key_result_id);
  }

  markDirty(run: ScoringRun, refs: ScopeRef[]): void {
    for (const ref of refs) run.dirty.set(scopeKey(ref), ref);
  }

  private async add(run: ScoringRun, scopes: ScopeRef[], delta: FactVector): Promise<void> {
    this.markDirty(run, await addToScopes(run.tx, run.orgId, scopes, delta));
  }

  // ---- the chains a contribution rolls up through -------------------------------------------

  /**
   * A goal's chain up to its root and an org unit's chain up to its root, in one query; each is
   * given as SQL for its starting id (a parameter or a lookup). A starting id without a row yet
   * (its creation not seen) is its own chain.
   */
  private async chains(
    tx: EntityManager,
    start: { goal?: string; unit?: string },
    params: unknown[],
  ): Promise<ScopeRef[]> {
    const goal = start.goal ?? 'NULL::uuid';
    const unit = start.unit ?? 'NULL::uuid';
    const rows: Array<{ scope: 'goal' | 'org_unit'; id: string }> = await tx.query(
      `WITH RECURSIVE
         goals(goal_id, parent_goal_id, depth) AS (
           SELECT start.id, (SELECT parent_goal_id FROM goal_rm WHERE goal_id = start.id), 0 FROM (SELECT ${goal} AS id) start WHERE start.id IS NOT NULL
           UNION ALL SELECT g.goal_id, g.parent_goal_id, c.depth + 1 FROM goal_rm g JOIN goals c ON g.goal_id = c.parent_goal_id WHERE c.depth < ${MAX_DEPTH}),
         units(org_unit_id, parent_org_unit_id, depth) AS (
           SELECT start.id, (SELECT parent_org_unit_id FROM org_unit_rm WHERE org_unit_id = start.id), 0 FROM (SELECT ${unit} AS id) start WHERE start.id IS NOT NULL
           UNION ALL SELECT u.org_unit_id, u.parent_org_unit_id, c.depth + 1 FROM org_unit_rm u JOIN units c ON u.org_unit_id = c.parent_org_unit_id WHERE c.depth < ${MAX_DEPTH})
       SELECT 'goal' AS scope, goal_id AS id FROM goals UNION SELECT 'org_unit', org_unit_id FROM units`,
      params,
    );
    return rows.map((row) => ({ scope: row.scope, id: row.id }));
  }

  goalChain(tx: EntityManager, goalId: string | null): Promise<ScopeRef[]> {
    return this.chains(tx, { goal: '$1::uuid' }, [goalId]);
  }

  unitChain(tx: EntityManager, orgUnitId: string | null): Promise<ScopeRef[]> {
    return this.chains(tx, { unit: '$1::uuid' }, [orgUnitId]);
  }

  /** Task work rolls up its goal chain, and its manager → org unit chain → organisation. */
  private async taskScopes(run: ScoringRun, goalId: string | null, managerId: string): Promise<ScopeRef[]> {
    const chains = await this.chains(
      run.tx,
      { goal: '$1::uuid', unit: '(SELECT org_unit_id FROM person_rm WHERE person_id = $2)' },
      [goalId, managerId],
    );
    return [...chains, { scope: 'manager', id: managerId }, { scope: 'organisation', id: run.orgId }];
  }

  /** What a goal owns itself (key results, risks, budget) rolls up its goal chain and its org unit chain. */
  private async goalOwnScopes(run: ScoringRun, goalId: string): Promise<ScopeRef[]> {
    const chains = await this.chains(
      run.tx,
      { goal: '$1::uuid', unit: '(SELECT org_unit_id FROM goal_rm WHERE goal_id = $1)' },
      [goalId],
    );
    return [...chains, { scope: 'organisation', id: run.orgId }];
  }

  // ---- contributions ---------------------------------------------------------------------

  /** Recomputes one task's contribution as of the run's day and applies the difference. */
  async recontributeTask(run: ScoringRun, taskId: string): Promise<void> {
    const [row] = await run.tx.query(
      `SELECT known, goal_id, manager_id, status, progress, weight_milli, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(due_date, 'YYYY-MM-DD') AS due_date,
              planned_cost_minor, actual_cost_minor, minutes, applied FROM task_rm WHERE task_id = $1 FOR UPDATE`,
      [taskId],
    );
    if (!row) return;
    const contribution = taskContribution(
      {
        known: row.known,
        status: row.status as TaskStatus,
        progress: row.progress,
        weightMilli: Number(row.weight_milli),
        startDate: row.start_date,
        dueDate: row.due_date,
        plannedCostMinor: Number(row.planned_cost_minor),
        actualCostMinor: Number(row.actual_cost_minor),
        minutes: Number(row.minutes),
        linked: row.goal_id !== null,
      },
      run.asOf,
    );
    const applied: AppliedTask | null = row.applied;
    const next: AppliedTask = { goalId: row.goal_id, managerId: row.manager_id, facts: contribution.facts };
    await run.tx.query(
      `UPDATE task_rm SET applied = $2, next_change_on = $3, schedule_shortfall = $4, cost_overrun = $5 WHERE task_id = $1`,
      [
        taskId,
        JSON.stringify({
          ...next,
          plannedValue: contribution.plannedValue,
          earnedValueCapped: contribution.earnedValueCapped,
          earnedCost: contribution.earnedCost,
        }),
        contribution.nextChangeOn,
        contribution.scheduleShortfall,
        contribution.costOverrun,
      ],
    );
    if (applied && applied.goalId === next.goalId && applied.managerId === next.managerId) {
      await this.add(
        run,
        await this.taskScopes(run, next.goalId, next.managerId),
        addFacts(next.facts, factsFromJson(applied.facts), -1),
      );
      return;
    }
    if (applied)
      await this.add(
        run,
        await this.taskScopes(run, applied.goalId, applied.managerId),
        addFacts(emptyFacts(), factsFromJson(applied.facts), -1),
      );
    await this.add(run, await this.taskScopes(run, next.goalId, next.managerId), next.facts);
    // A task seen for the first time makes its manager a scope even before anything is due.
    this.markDirty(run, [
      { scope: 'manager', id: next.managerId },
      ...(next.goalId ? [{ scope: 'goal' as const, id: next.goalId }] : []),
    ]);
  }

  /** Key results count for goals that are active or finished (not drafts, not abandoned). */
  async recontributeKeyResult(run: ScoringRun, keyResultId: string): Promise<void> {
    const [row] = await run.tx.query(
      `SELECT k.goal_id, k.baseline, k.target, k.direction, k.weight_milli, k.removed, k.applied_weight, k.applied_score,
              g.known AS goal_known, g.status AS goal_status, to_char(g.period_start, 'YYYY-MM-DD') AS period_start, to_char(g.period_end, 'YYYY-MM-DD') AS period_end,
              (SELECT c.value FROM key_result_check_in c WHERE c.key_result_id = k.key_result_id ORDER BY c.measured_on DESC, c.recorded_at DESC, c.check_in_id DESC LIMIT 1) AS current
       FROM key_result_rm k LEFT JOIN goal_rm g ON g.goal_id = k.goal_id WHERE k.key_result_id = $1 FOR UPDATE OF k`,
      [keyResultId],
    );
    if (!row) return;
    const counts = !row.removed && row.goal_known && ['active', 'achieved', 'missed'].includes(row.goal_status);
    let facts = emptyFacts();
    let attainment = 10_000;
    let nextChangeOn: string | null = null;
    if (counts) {
      const contribution = keyResultContribution(
        {
          baseline: row.baseline,
          target: row.target,
          direction: row.direction,
          weightMilli: Number(row.weight_milli),
          current: row.current === null ? null : Number(row.current),
        },
        { periodStart: row.period_start, periodEnd: row.period_end },
        run.asOf,
      );
      ({ facts, attainment, nextChangeOn } = contribution);
    }
    await run.tx.query(
      `UPDATE key_result_rm SET attainment = $2, gap = $3, next_change_on = $4, applied_weight = $5, applied_score = $6 WHERE key_result_id = $1`,
      [
        keyResultId,
        attainment,
        facts.keyResultWeight * (10_000 - attainment),
        nextChangeOn,
        facts.keyResultWeight,
        facts.keyResultScore,
      ],
    );
    const previous = {
      ...emptyFacts(),
      keyResultWeight: Number(row.applied_weight),
      keyResultScore: Number(row.applied_score),
    };
    await this.add(run, await this.goalOwnScopes(run, row.goal_id), addFacts(facts, previous, -1));
  }

  async recontributeRisk(run: ScoringRun, riskId: string): Promise<void> {
    const [row] = await run.tx.query(
      `SELECT r.goal_id, r.title, r.likelihood, r.impact, r.mitigation, r.status, r.applied_exposure, g.status AS goal_status, g.known AS goal_known, g.title AS goal_title
       FROM risk_rm r LEFT JOIN goal_rm g ON g.goal_id = r.goal_id WHERE r.risk_id = $1 FOR UPDATE OF r`,
      [riskId],
    );
    if (!row) return;
    const settings = await this.settingsOf(run);
    const counts = row.goal_known && ['active', 'achieved', 'missed'].includes(row.goal_status);
    const exposure = counts ? unmitigatedExposure(row, settings.highRiskExposure) : 0;
    await run.tx.query(`UPDATE risk_rm SET applied_exposure = $2 WHERE risk_id = $1`, [riskId, exposure]);
    await this.add(
      run,
      await this.goalOwnScopes(run, row.goal_id),
      addFacts(riskFacts(exposure), riskFacts(Number(row.applied_exposure)), -1),
    );
    if (exposure > 0) {
      await this.raiseAlert(
        run,
        'unmitigated_risk',
        riskId,
        { scope: 'goal', id: row.goal_id },
        `High risk "${row.title}" on "${row.goal_title}" (likelihood ${row.likelihood} × impact ${row.impact} = ${exposure}) has no mitigation.`,
        {
          riskId,
          exposure,
        },
      );
    } else {
      await this.clearAlerts(run, ['unmitigated_risk'], riskId);
    }
  }

  /** A goal's budget counts while it is active or finished. */
  async recontributeGoalBudget(run: ScoringRun, goalId: string): Promise<void> {
    const [row] = await run.tx.query(
      `SELECT known, status, budget_minor, applied_budget FROM goal_rm WHERE goal_id = $1 FOR UPDATE`,
      [goalId],
    );
    if (!row) return;
    const budget = row.known && ['active', 'achieved', 'missed'].includes(row.status) ? Number(row.budget_minor) : 0;
    await run.tx.query(`UPDATE goal_rm SET applied_budget = $2 WHERE goal_id = $1`, [goalId, budget]);
    await this.add(
      run,
      await this.goalOwnScopes(run, goalId),
      addFacts(budgetFacts(budget), budgetFacts(Number(row.applied_budget)), -1),
    );
  }

  /** Everything a goal owns, after its status or period changed. Bounded by the goal's own items. */
  async recontributeGoalOwn(run: ScoringRun, goalId: string): Promise<void> {
    await this.recontributeGoalBudget(run, goalId);
    const keyResults: Array<{ key_result_id: string }> = await run.tx.query(
      `SELECT key_result_id FROM key_result_rm WHERE goal_id = $1 ORDER BY key_result_id`,
      [goalId],
    );
    for (const { key_result_id } of keyResults) await this.recontributeKeyResult(run, key_result_id);
    const risks: Array<{ risk_id: string }> = await run.tx.query(
      `SELECT risk_id FROM risk_rm WHERE goal_id = $1 ORDER BY risk_id`,
      [goalId],
    );
    for (const { risk_id } of risks) await this.recontributeRisk(run, risk_id);
    this.markDirty(run, [{ scope: 'goal', id: goalId }]);
  }

  // ---- structure changes: move a subtree's facts from one chain to another (depth-proportional) ----

  async moveGoal(
    run: ScoringRun,
    goalId: string,
    from: { parentGoalId: string | null; orgUnitId: string | null },
    to: { parentGoalId: string | null; orgUnitId: string | null },
  ): Promise<void> {
    if (from.parentGoalId !== to.parentGoalId) {
      const subtree = await readFacts(run.tx, { scope: 'goal', id: goalId });
      const oldChain = (await this.goalChain(run.tx, from.parentGoalId)).filter((ref) => ref.id !== goalId);
      const newChain = (await this.goalChain(run.tx, to.parentGoalId)).filter((ref) => ref.id !== goalId);
      await this.add(run, oldChain, addFacts(emptyFacts(), subtree, -1));
      await this.add(run, newChain, subtree);
    }
    if (from.orgUnitId !== to.orgUnitId) {
      const [own] = await run.tx.query(
        `SELECT g.applied_budget AS budget,
                (SELECT coalesce(sum(applied_weight), 0) FROM key_result_rm WHERE goal_id = g.goal_id) AS kr_weight,
                (SELECT coalesce(sum(applied_score), 0) FROM key_result_rm WHERE goal_id = g.goal_id) AS kr_score,
                (SELECT coalesce(sum(applied_exposure), 0) FROM risk_rm WHERE goal_id = g.goal_id) AS exposure
         FROM goal_rm g WHERE g.goal_id = $1`,
        [goalId],
      );
      const facts = {
        ...emptyFacts(),
        goalBudget: Number(own.budget),
        keyResultWeight: Number(own.kr_weight),
        keyResultScore: Number(own.kr_score),
        riskExposure: Number(own.exposure),
      };
      await this.add(run, await this.unitChain(run.tx, from.orgUnitId), addFacts(emptyFacts(), facts, -1));
      await this.add(run, await this.unitChain(run.tx, to.orgUnitId), facts);
    }
  }

  async moveFacts(run: ScoringRun, scope: ScopeRef, fromUnitId: string | null, toUnitId: string | null): Promise<void> {
    if (fromUnitId === toUnitId) return;
    const facts = await readFacts(run.tx, scope);
    const exclude = (refs: ScopeRef[]) => refs.filter((ref) => ref.id !== scope.id);
    await this.add(run, exclude(await this.unitChain(run.tx, fromUnitId)), addFacts(emptyFacts(), facts, -1));
    await this.add(run, exclude(await this.unitChain(run.tx, toUnitId)), facts);
    this.markDirty(run, [scope]);
  }

  // ---- scoring ---------------------------------------------------------------------------

  private async settingsOf(run: ScoringRun): Promise<AlignmentSettings> {
    run.settings ??= await this.settings.load(run.tx, run.orgId);
    return run.settings;
  }

  /** Rescores every scope whose facts changed in this run. */
  async finish(run: ScoringRun): Promise<void> {
    const scopes = orderedScopes([...run.dirty.values()]);
    run.dirty.clear();
    // One kind at a time, each written before the next is scored: an org unit's drivers read its managers' new scores.
    for (const kind of SCOPE_KINDS_IN_ORDER) {
      const rescored: Rescored[] = [];
      for (const ref of scopes.filter((scope) => scope.scope === kind)) {
        const outcome = await this.rescore(run, ref);
        if (outcome) rescored.push(outcome);
      }
      await this.store(run, rescored);
    }
  }

  /** Rescores every scope of the organisation (after its settings changed): bounded by the number of scopes, not tasks. */
  async rescoreAll(run: ScoringRun): Promise<void> {
    const risks: Array<{ risk_id: string }> = await run.tx.query(
      `SELECT risk_id FROM risk_rm WHERE org_id = $1 ORDER BY risk_id`,
      [run.orgId],
    );
    for (const { risk_id } of risks) await this.recontributeRisk(run, risk_id);
    const scopes: Array<{ scope: ScopeKind; scope_id: string }> = await run.tx.query(
      `SELECT scope, scope_id FROM scope_facts WHERE org_id = $1`,
      [run.orgId],
    );
    this.markDirty(run, [
      ...scopes.map((row) => ({ scope: row.scope, id: row.scope_id })),
      { scope: 'organisation', id: run.orgId },
    ]);
    await this.finish(run);
  }

  /** What a scope is called (none when it is not scored: a draft goal, an org unit not yet created), its facts and its current score, in one read. */
  private async scopeState(
    run: ScoringRun,
    ref: ScopeRef,
  ): Promise<{ name: string; facts: FactVector; current: StoredScore | null } | null> {
    const [row] = await run.tx.query(
      `SELECT subject.name, s.score, s.band, s.components, s.drivers, ${FACT_COLUMNS.map((name) => `f.${name}`).join(', ')}
       FROM (${SCOPE_SUBJECT[ref.scope]}) AS subject
       LEFT JOIN scope_facts f ON f.scope = $2 AND f.scope_id = $1
       LEFT JOIN alignment_score s ON s.scope = $2 AND s.scope_id = $1`,
      [ref.id, ref.scope],
    );
    if (!row) return null;
    return {
      name: row.name,
      facts: factsFromRow(row),
      current:
        row.score === null
          ? null
          : { score: row.score, band: row.band, components: row.components, drivers: row.drivers },
    };
  }

  private async candidates(run: ScoringRun, ref: ScopeRef): Promise<DriverCandidates> {
    const tx = run.tx;
    // Each ranking reads the top of an index: a few rows, whatever the size of the scope.
    const taskRows = async (column: 'goal_id' | 'manager_id' | 'org_id') => {
      const byShortfall = `SELECT task_id, title, applied FROM task_rm WHERE ${column} = $1 AND schedule_shortfall > 0 ORDER BY schedule_shortfall DESC, task_id LIMIT 3`;
      const byOverrun = `SELECT task_id, title, applied FROM task_rm WHERE ${column} = $1 AND cost_overrun > 0 ORDER BY cost_overrun DESC, task_id LIMIT 3`;
      const rows = await tx.query(column === 'org_id' ? byShortfall : `(${byShortfall}) UNION (${byOverrun})`, [
        ref.id,
      ]);
      return rows.map(
        (row: {
          task_id: string;
          title: string;
          applied: { facts: FactVector; plannedValue: number; earnedValueCapped: number; earnedCost: number };
        }) => ({
          taskId: row.task_id,
          title: row.title,
          plannedValue: row.applied.plannedValue,
          earnedValueCapped: row.applied.earnedValueCapped,
          earnedCost: row.applied.earnedCost,
          actualCost: row.applied.facts.actualCost,
        }),
      );
    };
    const keyResults = (where: string) =>
      tx
        .query(
          `SELECT key_result_id, name, applied_weight, attainment FROM key_result_rm WHERE ${where} AND gap > 0 ORDER BY gap DESC, key_result_id LIMIT 3`,
          [ref.id],
        )
        .then((rows: any[]) =>
          rows.map((row) => ({
            keyResultId: row.key_result_id,
            name: row.name,
            weight: Number(row.applied_weight),
            attainment: row.attainment,
          })),
        );
    const risks = (where: string) =>
      tx
        .query(
          `SELECT risk_id, title, applied_exposure FROM risk_rm WHERE ${where} AND applied_exposure > 0 ORDER BY applied_exposure DESC, risk_id LIMIT 3`,
          [ref.id],
        )
        .then((rows: any[]) =>
          rows.map((row) => ({ riskId: row.risk_id, title: row.title, exposure: Number(row.applied_exposure) })),
        );
    switch (ref.scope) {
      case 'goal':
        return {
          tasks: await taskRows('goal_id'),
          keyResults: await keyResults('goal_id = $1'),
          risks: await risks('goal_id = $1'),
        };
      case 'manager':
        return { tasks: await taskRows('manager_id') };
      case 'org_unit': {
        const managers = await tx.query(
          `SELECT p.person_id, p.name, s.score FROM person_rm p JOIN alignment_score s ON s.scope = 'manager' AND s.scope_id = p.person_id
           WHERE p.org_unit_id = $1 ORDER BY s.score, p.person_id LIMIT 3`,
          [ref.id],
        );
        return {
          risks: await risks('goal_id IN (SELECT goal_id FROM goal_rm WHERE org_unit_id = $1)'),
          keyResults: await keyResults('goal_id IN (SELECT goal_id FROM goal_rm WHERE org_unit_id = $1)'),
          managers: managers.map((row: any) => ({ managerId: row.person_id, name: row.name, score: row.score })),
        };
      }
      case 'organisation':
        return {
          tasks: await taskRows('org_id'),
          keyResults: await keyResults('org_id = $1'),
          risks: await risks('org_id = $1'),
        };
    }
  }

  /** A scope's new score when it differs from the stored one (`changed` when more than its drivers moved), or null. */
  private async rescore(run: ScoringRun, ref: ScopeRef): Promise<Rescored | null> {
    const state = await this.scopeState(run, ref);
    if (!state) return null;
    const { facts, current } = state;
    const settings = await this.settingsOf(run);
    const next = scoreScope(ref.scope, facts, settings, await this.candidates(run, ref));
    const values = (score: Pick<Score, 'components'>) =>
      JSON.stringify(score.components.map((component) => [component.name, component.value, component.weight]));
    const changed =
      !current || current.score !== next.score || current.band !== next.band || values(current) !== values(next);
    if (
      !changed &&
      JSON.stringify(current.drivers) === JSON.stringify(next.drivers) &&
      JSON.stringify(current.components) === JSON.stringify(next.components)
    )
      return null;
    return { ref, name: state.name, facts, next, previous: current, changed, settings };
  }

  /**
   * Writes rescored scopes together: one upsert of their scores, one insert of the history points
   * and score-changed events of those that changed, then their alerts (clears in one statement).
   */
  private async store(run: ScoringRun, rescored: Rescored[]): Promise<void> {
    if (rescored.length === 0) return;
    const json = (value: unknown) => JSON.stringify(value);
    await run.tx.query(
      `INSERT INTO alignment_score (scope, scope_id, org_id, score, band, components, drivers, as_of, computed_at)
       SELECT scope, scope_id, $3::uuid, score, band, components, drivers, $8::date, $9::timestamptz FROM unnest($1::text[], $2::uuid[], $4::float8[], $5::text[], $6::jsonb[], $7::jsonb[]) AS s(scope, scope_id, score, band, components, drivers)
       ON CONFLICT (scope, scope_id) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band, components = EXCLUDED.components, drivers = EXCLUDED.drivers, as_of = EXCLUDED.as_of, computed_at = EXCLUDED.computed_at`,
      [
        rescored.map((entry) => entry.ref.scope),
        rescored.map((entry) => entry.ref.id),
        run.orgId,
        rescored.map((entry) => entry.next.score),
        rescored.map((entry) => entry.next.band),
        rescored.map((entry) => json(entry.next.components)),
        rescored.map((entry) => json(entry.next.drivers)),
        run.asOf,
        run.at,
      ],
    );
    const changed = rescored.filter((entry) => entry.changed);
    if (changed.length === 0) return;
    await run.tx.query(
      `INSERT INTO alignment_score_history (scope, scope_id, org_id, score, band, components, at)
       SELECT scope, scope_id, $3::uuid, score, band, components, $7::timestamptz FROM unnest($1::text[], $2::uuid[], $4::float8[], $5::text[], $6::jsonb[]) AS h(scope, scope_id, score, band, components)`,
      [
        changed.map((entry) => entry.ref.scope),
        changed.map((entry) => entry.ref.id),
        run.orgId,
        changed.map((entry) => entry.next.score),
        changed.map((entry) => entry.next.band),
        changed.map((entry) => json(entry.next.components)),
        run.at,
      ],
    );
    await this.outbox.publishAll(
      run.tx,
      AlignmentScoreChangedV1,
      changed.map(({ ref, next, previous }) => ({
        scope: ref.scope,
        scopeId: ref.id,
        score: next.score,
        previousScore: previous ? previous.score : null,
        band: next.band,
        components: next.components
          .filter((component) => component.value !== null)
          .map((component) => ({ name: component.name, value: component.value as number, weight: component.weight })),
        computedAt: run.at.toISOString(),
      })),
      run.context,
    );
    const cleared: Array<{ kind: AlertKind; subjectId: string }> = [];
    for (const entry of changed) cleared.push(...(await this.checkAlerts(run, entry)));
    if (cleared.length > 0) {
      await run.tx.query(
        `DELETE FROM open_alert a USING unnest($2::text[], $3::uuid[]) AS c(kind, subject_id) WHERE a.org_id = $1 AND a.kind = c.kind AND a.subject_id = c.subject_id`,
        [run.orgId, cleared.map((entry) => entry.kind), cleared.map((entry) => entry.subjectId)],
      );
    }
  }

  /** Raises the alerts a changed score crossed into; returns those whose condition no longer holds, to be cleared. */
  private async checkAlerts(
    run: ScoringRun,
    { ref, name, next: score, previous, facts, settings }: Rescored,
  ): Promise<Array<{ kind: AlertKind; subjectId: string }>> {
    const previousBand = previous ? previous.band : null;
    const why = score.drivers[0] ? `: ${score.drivers[0].name} — ${score.drivers[0].detail}` : '';
    const cleared: AlertKind[] = [];
    if (ref.scope === 'goal') {
      if (score.band === 'on_track') {
        cleared.push('goal_at_risk', 'goal_off_track');
      } else if (previousBand === null || BAND_RANK[score.band] > BAND_RANK[previousBand]) {
        const kind = score.band === 'off_track' ? 'goal_off_track' : 'goal_at_risk';
        await this.raiseAlert(
          run,
          kind,
          ref.id,
          ref,
          `${name} fell to ${score.score} (${score.band.replace('_', ' ')})${why}.`,
          { score: score.score, previousBand },
        );
      }
    }
    if (ref.scope === 'goal' || ref.scope === 'manager') {
      const budget = ref.scope === 'goal' ? facts.goalBudget : facts.plannedCost;
      if (facts.actualCost > budget && (budget > 0 || facts.actualCost > 0)) {
        await this.raiseAlert(
          run,
          'budget_overrun',
          ref.id,
          ref,
          `${name} has spent ${(facts.actualCost / 100).toFixed(2)} against a budget of ${(budget / 100).toFixed(2)}.`,
          {
            actualCostMinor: facts.actualCost,
            budgetMinor: budget,
          },
        );
      } else {
        cleared.push('budget_overrun');
      }
    }
    if (ref.scope !== 'goal') {
      const share = effortShare(facts);
      if (share && share.unlinkedShare > settings.unlinkedShareAlert) {
        await this.raiseAlert(
          run,
          'unlinked_work',
          ref.id,
          ref,
          `${round1(100 * share.unlinkedShare)}% of ${name}'s ${share.basis} went to work linked to no goal (limit ${round1(100 * settings.unlinkedShareAlert)}%).`,
          {
            unlinkedShare: round1(100 * share.unlinkedShare) / 100,
            basis: share.basis,
          },
        );
      } else {
        cleared.push('unlinked_work');
      }
    }
    return cleared.map((kind) => ({ kind, subjectId: ref.id }));
  }

  /** Raises an alert once per ongoing condition: a second raise while it is open does nothing. */
  async raiseAlert(
    run: ScoringRun,
    kind: AlertKind,
    subjectId: string,
    scope: ScopeRef,
    message: string,
    details: Record<string, string | number | boolean | null>,
  ): Promise<void> {
    const alertId = randomUUID();
    const inserted = await run.tx.query(
      `INSERT INTO open_alert (org_id, kind, subject_id, alert_id, scope, scope_id, message, details, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (org_id, kind, subject_id) DO NOTHING RETURNING alert_id`,
      [run.orgId, kind, subjectId, alertId, scope.scope, scope.id, message, JSON.stringify(details), run.at],
    );
    if (inserted.length === 0) return;
    await this.outbox.publish(
      run.tx,
      AlertRaisedV1,
      {
        alertId,
        kind,
        scope: scope.scope,
        scopeId: scope.id,
        message: message.slice(0, 2000),
        details,
        raisedAt: run.at.toISOString(),
      },
      run.context,
    );
  }

  async clearAlerts(run: ScoringRun, kinds: AlertKind[], subjectId: string): Promise<void> {
    if (kinds.length === 0) return;
    await run.tx.query(`DELETE FROM open_alert WHERE org_id = $1 AND kind = ANY($2::text[]) AND subject_id = $3`, [
      run.orgId,
      kinds,
      subjectId,
    ]);
  }
}
