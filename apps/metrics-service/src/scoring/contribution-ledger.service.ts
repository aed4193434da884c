import { Injectable } from '@nestjs/common';
import { addFacts, emptyFacts, FactVector, isZeroFacts } from './alignment-formula';
import { riskAlert } from './alert.rules';
import {
  budgetFacts,
  keyResultContribution,
  riskFacts,
  taskContribution,
  unmitigatedExposure,
  weightedShare,
} from './contribution-formula';
import { MAX_DEPTH, ScopeChains } from './scope-chains.repository';
import { factsFromJson, readFacts, ScopeRef } from './scope-facts.repository';
import { ScoreWriter } from './score-writer.service';
import { markDirty, ScoringRun } from './scoring-run';
import { AppliedTask } from './task-rows';

/** Items of a goal count while it is active or finished (not a draft, not abandoned). */
const COUNTING_GOAL_STATUSES = ['active', 'achieved', 'missed'];

/**
 * What each task, key result, risk and budget adds to the facts of the scopes above it. Every
 * item remembers what it applied, so a change applies only the difference, and a structure
 * change moves a subtree's facts from one chain to another.
 */
@Injectable()
export class ContributionLedger {
  constructor(
    private readonly chains: ScopeChains,
    private readonly writer: ScoreWriter,
  ) {}

  private async add(run: ScoringRun, scopes: ScopeRef[], delta: FactVector): Promise<void> {
    markDirty(run, run.facts.add(scopes, delta));
  }

  /** A scope's facts as of this point of the run: what is stored plus what the run has not written yet. */
  private async factsOf(run: ScoringRun, ref: ScopeRef): Promise<FactVector> {
    return addFacts(await readFacts(run.tx, ref), run.facts.of(ref));
  }

  private async taskScopes(run: ScoringRun, goalId: string | null, managerId: string): Promise<ScopeRef[]> {
    const key = `${goalId}/${managerId}`;
    const known = run.memory.taskChains.get(key);
    if (known) return known;
    const scopes = await this.chains.taskScopes(run.tx, run.orgId, goalId, managerId);
    run.memory.taskChains.set(key, scopes);
    return scopes;
  }

  private goalOwnScopes(run: ScoringRun, goalId: string): Promise<ScopeRef[]> {
    return this.chains.goalOwnScopes(run.tx, run.orgId, goalId);
  }

  /** Recomputes one task's contribution as of the run's day and applies the difference (to the task held in the run). */
  async recontributeTask(run: ScoringRun, taskId: string): Promise<void> {
    const row = await run.memory.tasks.get(run.tx, taskId);
    if (!row) return;
    const contribution = taskContribution(
      {
        known: row.known,
        status: row.status,
        progress: row.progress,
        weightMilli: row.weightMilli,
        startDate: row.startDate,
        dueDate: row.dueDate,
        plannedCostMinor: row.plannedCostMinor,
        actualCostMinor: row.actualCostMinor,
        minutes: row.minutes,
        linked: row.goalId !== null,
      },
      run.asOf,
    );
    const applied = row.applied;
    const next: AppliedTask = { goalId: row.goalId, managerId: row.managerId, facts: contribution.facts };
    Object.assign(row, {
      applied: {
        ...next,
        plannedValue: contribution.plannedValue,
        earnedValueCapped: contribution.earnedValueCapped,
        earnedCost: contribution.earnedCost,
      },
      nextChangeOn: contribution.nextChangeOn,
      scheduleShortfall: contribution.scheduleShortfall,
      costOverrun: contribution.costOverrun,
    });
    run.memory.tasks.touch(row);
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
    markDirty(run, [
      { scope: 'manager', id: next.managerId },
      ...(next.goalId ? [{ scope: 'goal' as const, id: next.goalId }] : []),
    ]);
  }

  async recontributeKeyResult(run: ScoringRun, keyResultId: string): Promise<void> {
    const [row] = await run.tx.query(
      `SELECT k.goal_id, k.baseline, k.target, k.direction, k.weight_milli, k.removed, k.applied_weight, k.applied_score,
              g.known AS goal_known, g.status AS goal_status, to_char(g.period_start, 'YYYY-MM-DD') AS period_start, to_char(g.period_end, 'YYYY-MM-DD') AS period_end,
              (SELECT c.value FROM key_result_check_in c WHERE c.key_result_id = k.key_result_id ORDER BY c.measured_on DESC, c.recorded_at DESC, c.check_in_id DESC LIMIT 1) AS current
       FROM key_result_rm k LEFT JOIN goal_rm g ON g.goal_id = k.goal_id WHERE k.key_result_id = $1 FOR UPDATE OF k`,
      [keyResultId],
    );
    if (!row) return;
    run.memory.rankings.clear();
    const counts = !row.removed && row.goal_known && COUNTING_GOAL_STATUSES.includes(row.goal_status);
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
    run.memory.rankings.clear();
    const settings = await this.writer.settingsOf(run);
    const counts = row.goal_known && COUNTING_GOAL_STATUSES.includes(row.goal_status);
    const exposure = counts ? unmitigatedExposure(row, settings.highRiskExposure) : 0;
    await run.tx.query(`UPDATE risk_rm SET applied_exposure = $2 WHERE risk_id = $1`, [riskId, exposure]);
    await this.add(
      run,
      await this.goalOwnScopes(run, row.goal_id),
      addFacts(riskFacts(exposure), riskFacts(Number(row.applied_exposure)), -1),
    );
    await this.writer.applyAlerts(
      run,
      riskAlert({
        riskId,
        goalId: row.goal_id,
        title: row.title,
        goalTitle: row.goal_title,
        likelihood: row.likelihood,
        impact: row.impact,
        exposure,
      }),
    );
  }

  /** A goal's budget counts while it is active or finished. */
  async recontributeGoalBudget(run: ScoringRun, goalId: string): Promise<void> {
    const [row] = await run.tx.query(
      `SELECT known, status, budget_minor, applied_budget FROM goal_rm WHERE goal_id = $1 FOR UPDATE`,
      [goalId],
    );
    if (!row) return;
    const budget = row.known && COUNTING_GOAL_STATUSES.includes(row.status) ? Number(row.budget_minor) : 0;
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
    markDirty(run, [{ scope: 'goal', id: goalId }]);
  }

  /** The items whose contribution depends on the day and crossed a date up to the run's day (found through the next-change index). */
  async recontributeDue(run: ScoringRun): Promise<void> {
    await run.memory.tasks.flush(run.tx);
    const tasks: Array<{ task_id: string }> = await run.tx.query(
      `SELECT task_id FROM task_rm WHERE org_id = $1 AND next_change_on <= $2 ORDER BY task_id`,
      [run.orgId, run.asOf],
    );
    await run.memory.tasks.load(
      run.tx,
      tasks.map((task) => task.task_id),
    );
    for (const { task_id } of tasks) await this.recontributeTask(run, task_id);
    const keyResults: Array<{ key_result_id: string }> = await run.tx.query(
      `SELECT key_result_id FROM key_result_rm WHERE org_id = $1 AND next_change_on <= $2 ORDER BY key_result_id`,
      [run.orgId, run.asOf],
    );
    for (const { key_result_id } of keyResults) await this.recontributeKeyResult(run, key_result_id);
  }

  /** Every risk of the organisation again (after its settings changed the high-risk threshold). */
  async recontributeAllRisks(run: ScoringRun): Promise<void> {
    const risks: Array<{ risk_id: string }> = await run.tx.query(
      `SELECT risk_id FROM risk_rm WHERE org_id = $1 ORDER BY risk_id`,
      [run.orgId],
    );
    for (const { risk_id } of risks) await this.recontributeRisk(run, risk_id);
  }

  /**
   * A renamed item is named in the drivers of the scopes it may drive: they are rescored so their
   * explanations carry the new name at once (only the drivers change: no history point, no event).
   */
  async renamed(
    run: ScoringRun,
    item:
      | { kind: 'task'; goalId: string | null; managerId: string }
      | { kind: 'key_result' | 'risk'; goalId: string }
      | { kind: 'manager'; orgUnitId: string | null },
  ): Promise<void> {
    const organisation: ScopeRef = { scope: 'organisation', id: run.orgId };
    switch (item.kind) {
      case 'task':
        markDirty(run, [
          ...(item.goalId ? [{ scope: 'goal' as const, id: item.goalId }] : []),
          { scope: 'manager', id: item.managerId },
          organisation,
        ]);
        return;
      case 'key_result':
      case 'risk':
        markDirty(run, await this.goalOwnScopes(run, item.goalId));
        return;
      case 'manager':
        if (item.orgUnitId) markDirty(run, [{ scope: 'org_unit', id: item.orgUnitId }]);
    }
  }

  // ---- structure changes: move a subtree's facts from one chain to another ----

  async moveGoal(
    run: ScoringRun,
    goalId: string,
    from: { parentGoalId: string | null; orgUnitId: string | null },
    to: { parentGoalId: string | null; orgUnitId: string | null },
  ): Promise<void> {
    if (from.parentGoalId !== to.parentGoalId) {
      const subtree = await this.factsOf(run, { scope: 'goal', id: goalId });
      const oldChain = (await this.chains.goalChain(run.tx, from.parentGoalId)).filter((ref) => ref.id !== goalId);
      const newChain = (await this.chains.goalChain(run.tx, to.parentGoalId)).filter((ref) => ref.id !== goalId);
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
      await this.add(run, await this.chains.unitChain(run.tx, from.orgUnitId), addFacts(emptyFacts(), facts, -1));
      await this.add(run, await this.chains.unitChain(run.tx, to.orgUnitId), facts);
    }
  }

  /**
   * A goal's contributions were set: its facts leave what it rolled up into (its parent's chain,
   * or its weighted links) and go where they now say — its parent's chain when `contributesTo`
   * is empty, else each named goal's chain, that goal's share of them.
   */
  async relink(
    run: ScoringRun,
    goalId: string,
    from: { byLinks: boolean; parentGoalId: string | null },
    contributesTo: ReadonlyArray<{ goalId: string; weightPercent: number }>,
  ): Promise<void> {
    const facts = await this.factsOf(run, { scope: 'goal', id: goalId });
    const chainAbove = async (parentId: string) =>
      (await this.chains.goalChain(run.tx, parentId)).filter((ref) => ref.id !== goalId);
    if (from.byLinks) {
      // A DELETE answers its rows and their count.
      const [links]: [Array<{ parent_goal_id: string; applied: Partial<FactVector> }>] = await run.tx.query(
        `DELETE FROM goal_link_rm WHERE child_goal_id = $1 RETURNING parent_goal_id, applied`,
        [goalId],
      );
      links.sort((a, b) => a.parent_goal_id.localeCompare(b.parent_goal_id));
      for (const link of links)
        await this.add(
          run,
          await chainAbove(link.parent_goal_id),
          addFacts(emptyFacts(), factsFromJson(link.applied), -1),
        );
    } else if (from.parentGoalId) {
      await this.add(run, await chainAbove(from.parentGoalId), addFacts(emptyFacts(), facts, -1));
    }
    for (const link of contributesTo) {
      const share = weightedShare(facts, link.weightPercent);
      await run.tx.query(
        `INSERT INTO goal_link_rm (child_goal_id, parent_goal_id, org_id, weight_percent, applied) VALUES ($1, $2, $3, $4, $5)`,
        [goalId, link.goalId, run.orgId, link.weightPercent, share],
      );
      await this.add(run, await chainAbove(link.goalId), share);
    }
    const byLinks = contributesTo.length > 0;
    await run.tx.query(`UPDATE goal_rm SET rolls_up_by_links = $2 WHERE goal_id = $1`, [goalId, byLinks]);
    if (!byLinks && from.parentGoalId) await this.add(run, await chainAbove(from.parentGoalId), facts);
    run.memory.weightedLinks = undefined;
  }

  /**
   * Before a run's facts are written: the goals whose facts changed pass the change on through
   * their weighted links — each link's share of the goal's facts now, less what it added before —
   * and the goals that received a share pass theirs on, up to the top of the graph.
   */
  async rollUpWeightedLinks(run: ScoringRun): Promise<void> {
    if (!(await this.hasWeightedLinks(run))) return;
    let changed = run.facts.changedGoalIds();
    for (let depth = 0; changed.length > 0 && depth < MAX_DEPTH; depth++) {
      const links: Array<{
        child_goal_id: string;
        parent_goal_id: string;
        weight_percent: number;
        applied: Partial<FactVector>;
      }> = await run.tx.query(
        `SELECT child_goal_id, parent_goal_id, weight_percent, applied FROM goal_link_rm
           WHERE child_goal_id = ANY($1::uuid[]) ORDER BY child_goal_id, parent_goal_id FOR UPDATE`,
        [changed],
      );
      const received = new Set<string>();
      for (const link of links) {
        const share = weightedShare(
          await this.factsOf(run, { scope: 'goal', id: link.child_goal_id }),
          link.weight_percent,
        );
        const delta = addFacts(share, factsFromJson(link.applied), -1);
        if (isZeroFacts(delta)) continue;
        await run.tx.query(`UPDATE goal_link_rm SET applied = $3 WHERE child_goal_id = $1 AND parent_goal_id = $2`, [
          link.child_goal_id,
          link.parent_goal_id,
          share,
        ]);
        for (const ref of await this.chains.goalChain(run.tx, link.parent_goal_id)) received.add(ref.id);
        await this.add(run, await this.chains.goalChain(run.tx, link.parent_goal_id), delta);
      }
      changed = [...received];
    }
  }

  /** Whether the organisation has any weighted link: known once per memory, so organisations without pay one statement. */
  private async hasWeightedLinks(run: ScoringRun): Promise<boolean> {
    if (run.memory.weightedLinks === undefined) {
      const [row] = await run.tx.query(`SELECT EXISTS (SELECT 1 FROM goal_link_rm WHERE org_id = $1) AS present`, [
        run.orgId,
      ]);
      run.memory.weightedLinks = row.present;
    }
    return run.memory.weightedLinks!;
  }

  /** A manager or org unit moving to another unit takes its facts along: out of the old chain, into the new. */
  async moveFacts(run: ScoringRun, scope: ScopeRef, fromUnitId: string | null, toUnitId: string | null): Promise<void> {
    if (fromUnitId === toUnitId) return;
    const facts = await this.factsOf(run, scope);
    const exclude = (refs: ScopeRef[]) => refs.filter((ref) => ref.id !== scope.id);
    await this.add(run, exclude(await this.chains.unitChain(run.tx, fromUnitId)), addFacts(emptyFacts(), facts, -1));
    await this.add(run, exclude(await this.chains.unitChain(run.tx, toUnitId)), facts);
    markDirty(run, [scope]);
  }
}
