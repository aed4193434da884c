import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { GoalContributionsChangedV1 } from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { Actor, actedBy } from '@throughline/service-kit';
import { invalid } from '@throughline/service-kit/domain';
import { AccessPolicy } from '../../access/access-policy';
import { lockHierarchy } from '../../shared/ancestors';
import { Goal } from '../goal.entity';
import { assertGoalOpen } from '../goal-lifecycle';
import { lockGoal, requireGoal } from '../goal-locks';
import { goalsAbove } from './contribution-graph';
import {
  assertContributionsHold,
  assertNoContributionCycle,
  contributionTargets,
  Contributions,
  sameContributions,
} from './contribution.rules';
import { GoalContributionsView, ReplaceContributionsDto } from './dto/contribution.dto';
import { GoalContribution } from './goal-contribution.entity';

/** Goals a target may be while it is still open to contributions: not closed. */
const OPEN_STATUSES = ['draft', 'active'];

/**
 * The contribution graph: a goal's work may roll up into several goals with a weight each, or
 * merely support some (shown, not scored). Without any, a goal rolls up wholly into its parent.
 * Metrics follows the weights (docs/alignment.md, "A goal that serves several goals").
 */
@Injectable()
export class ContributionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
    private readonly access: AccessPolicy,
  ) {}

  async get(actor: Actor, goalId: string): Promise<GoalContributionsView> {
    const manager = this.dataSource.manager;
    return this.view(manager, actor, await requireGoal(manager, this.access, actor, goalId));
  }

  async replace(
    actor: Actor,
    goalId: string,
    input: ReplaceContributionsDto,
    expectedVersion: number,
    correlationId: string,
  ): Promise<GoalContributionsView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await lockGoal(tx, this.access, actor, goalId, expectedVersion);
      assertGoalOpen(goal.status, 'changing what it contributes to');
      const next: Contributions = { contributesTo: input.contributesTo, supports: input.supports };
      if (sameContributions(await contributionsOf(tx, goal.id), next)) return this.view(tx, actor, goal);
      assertContributionsHold(goal, next);
      const targets = contributionTargets(next);
      // Serialised with moves of goals, so two changes cannot together close a loop.
      await lockHierarchy(tx, 'goal', actor.orgId);
      const known = new Map(
        (await tx.find(Goal, { where: { orgId: actor.orgId, id: In(targets.map((target) => target.goalId)) } })).map(
          (target) => [target.id, target],
        ),
      );
      const missing = targets.filter((target) => !OPEN_STATUSES.includes(known.get(target.goalId)?.status ?? ''));
      if (missing.length > 0)
        throw invalid(
          `Goal ${missing[0].goalId} is not a draft or active goal of this organisation.`,
          missing.map((target) => ({ field: target.field, message: 'must be a draft or active goal' })),
        );
      assertNoContributionCycle(
        goal.id,
        targets,
        await goalsAbove(
          tx,
          actor.orgId,
          targets.map((target) => target.goalId),
        ),
      );
      await tx.delete(GoalContribution, { goalId: goal.id });
      await tx.insert(GoalContribution, [
        ...next.contributesTo.map((contribution, position) => ({
          goalId: goal.id,
          toGoalId: contribution.goalId,
          orgId: actor.orgId,
          kind: 'contributes' as const,
          weightPercent: contribution.weightPercent,
          position,
        })),
        ...next.supports.map((toGoalId, index) => ({
          goalId: goal.id,
          toGoalId,
          orgId: actor.orgId,
          kind: 'supports' as const,
          weightPercent: null,
          position: next.contributesTo.length + index,
        })),
      ]);
      // The graph is part of the goal: its version moves, so If-Match guards both.
      const [[{ version }]] = await tx.query(
        `UPDATE goal SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING version`,
        [goal.id],
      );
      goal.version = version;
      await this.outbox.publish(
        tx,
        GoalContributionsChangedV1,
        { goalId: goal.id, parentGoalId: goal.parentGoalId, ...next, version },
        actedBy(actor, correlationId),
      );
      return this.view(tx, actor, goal);
    });
  }

  /** The goal's contributions and contributors; titles only of the goals the caller sees. */
  private async view(manager: EntityManager, actor: Actor, goal: Goal): Promise<GoalContributionsView> {
    const [own, contributors] = await Promise.all([
      manager.find(GoalContribution, { where: { goalId: goal.id }, order: { position: 'ASC' } }),
      manager.find(GoalContribution, { where: { toGoalId: goal.id }, order: { goalId: 'ASC' } }),
    ]);
    const ids = [...own.map((edge) => edge.toGoalId), ...contributors.map((edge) => edge.goalId)];
    const goals = ids.length ? await manager.find(Goal, { where: { orgId: goal.orgId, id: In(ids) } }) : [];
    const titles = new Map<string, string | null>();
    for (const linked of goals)
      titles.set(linked.id, (await this.access.mayRead(manager, actor, linked)) ? linked.title : null);
    return {
      goalId: goal.id,
      parentGoalId: goal.parentGoalId,
      contributesTo: own
        .filter((edge) => edge.kind === 'contributes')
        .map((edge) => ({
          goalId: edge.toGoalId,
          title: titles.get(edge.toGoalId) ?? null,
          weightPercent: edge.weightPercent!,
        })),
      supports: own
        .filter((edge) => edge.kind === 'supports')
        .map((edge) => ({ goalId: edge.toGoalId, title: titles.get(edge.toGoalId) ?? null })),
      contributedBy: contributors.map((edge) => ({
        goalId: edge.goalId,
        title: titles.get(edge.goalId) ?? null,
        kind: edge.kind,
        weightPercent: edge.weightPercent,
      })),
      version: goal.version,
    };
  }
}

/** A goal's contributions as stored, in the order given. */
export async function contributionsOf(manager: EntityManager, goalId: string): Promise<Contributions> {
  const edges = await manager.find(GoalContribution, { where: { goalId }, order: { position: 'ASC' } });
  return {
    contributesTo: edges
      .filter((edge) => edge.kind === 'contributes')
      .map((edge) => ({ goalId: edge.toGoalId, weightPercent: edge.weightPercent! })),
    supports: edges.filter((edge) => edge.kind === 'supports').map((edge) => edge.toGoalId),
  };
}
