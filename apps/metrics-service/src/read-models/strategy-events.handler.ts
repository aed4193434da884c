import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  BudgetRevisedV1,
  DeliverableAddedV1,
  DeliverableChangedV1,
  DeliverableRemovedV1,
  EventOf,
  GoalActivatedV1,
  GoalClosedV1,
  GoalContributionsChangedV1,
  GoalCreatedV1,
  GoalUpdatedV1,
  KeyResultAddedV1,
  KeyResultRemovedV1,
  KeyResultUpdatedV1,
  RiskRaisedV1,
  RiskUpdatedV1,
} from '@throughline/contracts';
import { HandleEvent } from '@throughline/messaging';
import { ContributionLedger } from '../scoring/contribution-ledger.service';
import { ScopeChains } from '../scoring/scope-chains.repository';
import { ScoringEngine } from '../scoring/scoring-engine.service';
import { markDirty, ScoringRun } from '../scoring/scoring-run';
import { weightMilli } from '../scoring/contribution-formula';
import { OrganisationEventsHandler } from './organisation-events.handler';
import { applyInRun, lockRow } from './apply-in-run';
import { assertSameOrganisation, ensurePlaceholder } from './same-organisation';

interface GoalRow {
  known: boolean;
  version: number;
  status: string;
  parent_goal_id: string | null;
  rolls_up_by_links: boolean;
  org_unit_id: string | null;
  period_start: string | null;
  period_end: string | null;
  budget_minor: string;
}

interface GoalFields {
  parentGoalId: string | null;
  orgUnitId: string;
  ownerId: string;
  title: string;
  periodStart: string;
  periodEnd: string;
  weight: number;
  currency: string;
}

/** Goals, key results, budgets, deliverables and risks, from strategy's goals topic. */
@Injectable()
export class StrategyEventsHandler {
  constructor(
    private readonly engine: ScoringEngine,
    private readonly ledger: ContributionLedger,
    private readonly chains: ScopeChains,
  ) {}

  /** A goal row that may be a placeholder: tasks can arrive before their goal. */
  static async ensureGoal(tx: EntityManager, goalId: string, orgId: string): Promise<void> {
    await ensurePlaceholder(tx, 'goal', goalId, orgId);
  }

  private async lockGoal(run: ScoringRun, goalId: string): Promise<GoalRow> {
    await StrategyEventsHandler.ensureGoal(run.tx, goalId, run.orgId);
    return (await lockRow<GoalRow>(
      run.tx,
      `SELECT known, version, status, parent_goal_id, rolls_up_by_links, org_unit_id, to_char(period_start, 'YYYY-MM-DD') AS period_start, to_char(period_end, 'YYYY-MM-DD') AS period_end, budget_minor
       FROM goal_rm WHERE goal_id = $1 FOR UPDATE`,
      [goalId],
    )) as GoalRow;
  }

  /** Writes a goal's fields and status, moves its facts if its parent or unit changed, and recounts what it owns if needed. */
  private async applyGoal(
    run: ScoringRun,
    goalId: string,
    before: GoalRow,
    fields: GoalFields,
    status: string,
    version: number,
    budget: { minor: number; at: Date } | null,
  ): Promise<void> {
    // Placeholders for a parent goal or unit not seen yet, so the chains reach the top of both trees.
    if (fields.parentGoalId && fields.parentGoalId !== goalId)
      await StrategyEventsHandler.ensureGoal(run.tx, fields.parentGoalId, run.orgId);
    await OrganisationEventsHandler.ensureUnit(run.tx, fields.orgUnitId, run.orgId);
    await run.tx.query(
      `UPDATE goal_rm SET known = true, parent_goal_id = $2, org_unit_id = $3, owner_id = $4, title = $5, period_start = $6, period_end = $7, weight = $8, currency = $9, status = $10, version = $11
       WHERE goal_id = $1`,
      [
        goalId,
        fields.parentGoalId,
        fields.orgUnitId,
        fields.ownerId,
        fields.title,
        fields.periodStart,
        fields.periodEnd,
        fields.weight,
        fields.currency,
        status,
        version,
      ],
    );
    if (budget)
      await run.tx.query(
        `UPDATE goal_rm SET budget_minor = $2, budget_at = $3 WHERE goal_id = $1 AND (budget_at IS NULL OR budget_at < $3)`,
        [goalId, budget.minor, budget.at],
      );
    // A goal rolling up by weighted links goes where they say, wherever it sits in the tree.
    const rollUpParent = (parentGoalId: string | null) => (before.rolls_up_by_links ? null : parentGoalId);
    await this.ledger.moveGoal(
      run,
      goalId,
      { parentGoalId: rollUpParent(before.parent_goal_id), orgUnitId: before.org_unit_id },
      { parentGoalId: rollUpParent(fields.parentGoalId), orgUnitId: fields.orgUnitId },
    );
    await this.ledger.recontributeGoalOwn(run, goalId);
    // Its tasks may have arrived first: they are counted already; the goal now gets its own score.
    markDirty(run, await this.chains.goalChain(run.tx, goalId));
  }

  @HandleEvent(GoalCreatedV1, GoalUpdatedV1)
  async goalSnapshot(event: EventOf<typeof GoalCreatedV1>, tx: EntityManager): Promise<void> {
    const goal = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      const before = await this.lockGoal(run, goal.goalId);
      if (before.version >= goal.version) return;
      await this.applyGoal(run, goal.goalId, before, goal, goal.status, goal.version, {
        minor: goal.budgetMinor,
        at: new Date(event.time),
      });
    });
  }

  /** The goals a goal contributes to, with weights: its facts move to where they now roll up. */
  @HandleEvent(GoalContributionsChangedV1)
  async goalContributions(event: EventOf<typeof GoalContributionsChangedV1>, tx: EntityManager): Promise<void> {
    const change = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      const before = await this.lockGoal(run, change.goalId);
      if (before.version >= change.version) return;
      for (const target of change.contributesTo)
        await StrategyEventsHandler.ensureGoal(run.tx, target.goalId, run.orgId);
      await this.ledger.relink(
        run,
        change.goalId,
        { byLinks: before.rolls_up_by_links, parentGoalId: before.parent_goal_id },
        change.contributesTo,
      );
      await run.tx.query(`UPDATE goal_rm SET version = $2 WHERE goal_id = $1`, [change.goalId, change.version]);
    });
  }

  /** Activation carries no version: it fills a goal not yet known and moves a draft to active, never a later state back. */
  @HandleEvent(GoalActivatedV1)
  async goalActivated(event: EventOf<typeof GoalActivatedV1>, tx: EntityManager): Promise<void> {
    const goal = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      const before = await this.lockGoal(run, goal.goalId);
      if (before.known && before.status !== 'draft') return;
      await this.applyGoal(run, goal.goalId, before, goal, 'active', before.version, {
        minor: goal.budgetMinor,
        at: new Date(event.time),
      });
      for (const deliverable of goal.deliverables) await this.upsertDeliverable(run, goal.goalId, deliverable);
    });
  }

  @HandleEvent(GoalClosedV1)
  async goalClosed(event: EventOf<typeof GoalClosedV1>, tx: EntityManager): Promise<void> {
    const closed = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      const before = await this.lockGoal(run, closed.goalId);
      if (before.version >= closed.version) return;
      await tx.query(
        `UPDATE goal_rm SET status = $2, version = $3, closed_outcome = $2, closed_at = $4 WHERE goal_id = $1`,
        [closed.goalId, closed.outcome, closed.version, closed.closedAt],
      );
      await this.ledger.recontributeGoalOwn(run, closed.goalId);
    });
  }

  @HandleEvent(KeyResultAddedV1, KeyResultUpdatedV1)
  async keyResultSnapshot(event: EventOf<typeof KeyResultAddedV1>, tx: EntityManager): Promise<void> {
    const keyResult = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      await StrategyEventsHandler.ensureGoal(tx, keyResult.goalId, run.orgId);
      await assertSameOrganisation(tx, 'key result', keyResult.keyResultId, run.orgId);
      const existing = await lockRow<{ version: number; name: string }>(
        tx,
        `SELECT version, name FROM key_result_rm WHERE key_result_id = $1 FOR UPDATE`,
        [keyResult.keyResultId],
      );
      if (existing && existing.version >= keyResult.version) return;
      await tx.query(
        `INSERT INTO key_result_rm (key_result_id, org_id, goal_id, name, category, unit, baseline, target, direction, weight_milli, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (key_result_id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, unit = EXCLUDED.unit, baseline = EXCLUDED.baseline, target = EXCLUDED.target,
           direction = EXCLUDED.direction, weight_milli = EXCLUDED.weight_milli, version = EXCLUDED.version`,
        [
          keyResult.keyResultId,
          run.orgId,
          keyResult.goalId,
          keyResult.name,
          keyResult.category,
          keyResult.unit,
          keyResult.baseline,
          keyResult.target,
          keyResult.direction,
          weightMilli(keyResult.weight),
          keyResult.version,
        ],
      );
      await this.ledger.recontributeKeyResult(run, keyResult.keyResultId);
      if (existing && existing.name !== keyResult.name)
        await this.ledger.renamed(run, { kind: 'key_result', goalId: keyResult.goalId });
    });
  }

  @HandleEvent(KeyResultRemovedV1)
  async keyResultRemoved(event: EventOf<typeof KeyResultRemovedV1>, tx: EntityManager): Promise<void> {
    await applyInRun(this.engine, tx, event, async (run) => {
      await assertSameOrganisation(tx, 'key result', event.data.keyResultId, run.orgId);
      await tx.query(`UPDATE key_result_rm SET removed = true WHERE key_result_id = $1`, [event.data.keyResultId]);
      await this.ledger.recontributeKeyResult(run, event.data.keyResultId);
    });
  }

  /** Revisions are kept; the newest (by time) sets the goal's budget, whichever of revision and goal snapshot came last. */
  @HandleEvent(BudgetRevisedV1)
  async budgetRevised(event: EventOf<typeof BudgetRevisedV1>, tx: EntityManager): Promise<void> {
    const revision = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      await this.lockGoal(run, revision.goalId);
      const inserted = await tx.query(
        `INSERT INTO budget_revision_rm (goal_id, revision, org_id, currency, total_minor, allocations, reason, revised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (goal_id, revision) DO NOTHING RETURNING revision`,
        [
          revision.goalId,
          revision.revision,
          run.orgId,
          revision.currency,
          revision.totalMinor,
          JSON.stringify(revision.allocations),
          revision.reason,
          revision.revisedAt,
        ],
      );
      if (inserted.length === 0) return;
      await tx.query(
        `UPDATE goal_rm SET budget_minor = $2, budget_at = $3, budget_revision = $4 WHERE goal_id = $1 AND (budget_at IS NULL OR budget_at <= $3) AND budget_revision < $4`,
        [revision.goalId, revision.totalMinor, revision.revisedAt, revision.revision],
      );
      await this.ledger.recontributeGoalBudget(run, revision.goalId);
    });
  }

  private async upsertDeliverable(
    run: ScoringRun,
    goalId: string,
    deliverable: EventOf<typeof DeliverableAddedV1>['data']['deliverable'],
  ): Promise<void> {
    await assertSameOrganisation(run.tx, 'deliverable', deliverable.deliverableId, run.orgId);
    await run.tx.query(
      `INSERT INTO deliverable_rm (deliverable_id, org_id, goal_id, title, manager_id, due_date, weight, budget_minor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (deliverable_id) DO UPDATE SET title = EXCLUDED.title, manager_id = EXCLUDED.manager_id, due_date = EXCLUDED.due_date, weight = EXCLUDED.weight, budget_minor = EXCLUDED.budget_minor`,
      [
        deliverable.deliverableId,
        run.orgId,
        goalId,
        deliverable.title,
        deliverable.managerId,
        deliverable.dueDate,
        deliverable.weight,
        deliverable.budgetMinor,
      ],
    );
  }

  /** Deliverables are the director's breakdown; their tasks (from execution) carry the figures that score. */
  @HandleEvent(DeliverableAddedV1, DeliverableChangedV1)
  async deliverableChanged(event: EventOf<typeof DeliverableAddedV1>, tx: EntityManager): Promise<void> {
    await applyInRun(this.engine, tx, event, async (run) => {
      await StrategyEventsHandler.ensureGoal(tx, event.data.goalId, run.orgId);
      await this.upsertDeliverable(run, event.data.goalId, event.data.deliverable);
    });
  }

  @HandleEvent(DeliverableRemovedV1)
  async deliverableRemoved(event: EventOf<typeof DeliverableRemovedV1>, tx: EntityManager): Promise<void> {
    await applyInRun(this.engine, tx, event, async (run) => {
      await assertSameOrganisation(tx, 'deliverable', event.data.deliverableId, run.orgId);
      await tx.query(`UPDATE deliverable_rm SET removed_at = $2 WHERE deliverable_id = $1`, [
        event.data.deliverableId,
        event.data.removedAt,
      ]);
    });
  }

  /** Each status change of a risk is kept (mitigated versus materialised is a director's KPI). */
  @HandleEvent(RiskRaisedV1, RiskUpdatedV1)
  async riskSnapshot(event: EventOf<typeof RiskRaisedV1>, tx: EntityManager): Promise<void> {
    const risk = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      await StrategyEventsHandler.ensureGoal(tx, risk.goalId, run.orgId);
      await assertSameOrganisation(tx, 'risk', risk.riskId, run.orgId);
      const existing = await lockRow<{ version: number; status: string; title: string }>(
        tx,
        `SELECT version, status, title FROM risk_rm WHERE risk_id = $1 FOR UPDATE`,
        [risk.riskId],
      );
      if (existing && existing.version >= risk.version) return;
      await tx.query(
        `INSERT INTO risk_rm (risk_id, org_id, goal_id, title, likelihood, impact, owner_id, mitigation, status, version, raised_at, status_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
         ON CONFLICT (risk_id) DO UPDATE SET title = EXCLUDED.title, likelihood = EXCLUDED.likelihood, impact = EXCLUDED.impact, owner_id = EXCLUDED.owner_id, mitigation = EXCLUDED.mitigation,
           status = EXCLUDED.status, version = EXCLUDED.version,
           status_changed_at = CASE WHEN risk_rm.status = EXCLUDED.status THEN risk_rm.status_changed_at ELSE EXCLUDED.status_changed_at END`,
        [
          risk.riskId,
          run.orgId,
          risk.goalId,
          risk.title,
          risk.likelihood,
          risk.impact,
          risk.ownerId,
          risk.mitigation,
          risk.status,
          risk.version,
          run.at,
        ],
      );
      if (!existing || existing.status !== risk.status) {
        await tx.query(
          `INSERT INTO risk_transition (risk_id, version, org_id, goal_id, status, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [risk.riskId, risk.version, run.orgId, risk.goalId, risk.status, run.at],
        );
      }
      await this.ledger.recontributeRisk(run, risk.riskId);
      if (existing && existing.title !== risk.title)
        await this.ledger.renamed(run, { kind: 'risk', goalId: risk.goalId });
    });
  }
}
