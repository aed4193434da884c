import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ScopeRef } from './scope-facts.repository';

export const MAX_DEPTH = 64;
/** A goal that names the goals it contributes to rolls up through its weighted links (the ledger's), not its parent. */
const rollUpParent = (goal: string) => `CASE WHEN ${goal}.rolls_up_by_links THEN NULL ELSE ${goal}.parent_goal_id END`;

/**
 * The chains a contribution rolls up through: a goal's chain up to its root (or to a goal that
 * rolls up by weighted links) and an org unit's chain up to its root, read in one recursive query. A starting id without a row yet (its
 * creation not seen) is its own chain.
 */
@Injectable()
export class ScopeChains {
  goalChain(tx: EntityManager, goalId: string | null): Promise<ScopeRef[]> {
    return this.chains(tx, { goal: '$1::uuid' }, [goalId]);
  }

  unitChain(tx: EntityManager, orgUnitId: string | null): Promise<ScopeRef[]> {
    return this.chains(tx, { unit: '$1::uuid' }, [orgUnitId]);
  }

  /** Task work rolls up its goal chain, and its manager → org unit chain → organisation. */
  async taskScopes(tx: EntityManager, orgId: string, goalId: string | null, managerId: string): Promise<ScopeRef[]> {
    const chains = await this.chains(
      tx,
      { goal: '$1::uuid', unit: '(SELECT org_unit_id FROM person_rm WHERE person_id = $2)' },
      [goalId, managerId],
    );
    return [...chains, { scope: 'manager', id: managerId }, { scope: 'organisation', id: orgId }];
  }

  /** What a goal owns itself (key results, risks, budget) rolls up its goal chain and its org unit chain. */
  async goalOwnScopes(tx: EntityManager, orgId: string, goalId: string): Promise<ScopeRef[]> {
    const chains = await this.chains(
      tx,
      { goal: '$1::uuid', unit: '(SELECT org_unit_id FROM goal_rm WHERE goal_id = $1)' },
      [goalId],
    );
    return [...chains, { scope: 'organisation', id: orgId }];
  }

  /** Each start is given as SQL for its id (a parameter or a lookup). */
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
           SELECT start.id, (SELECT ${rollUpParent('goal_rm')} FROM goal_rm WHERE goal_id = start.id), 0 FROM (SELECT ${goal} AS id) start WHERE start.id IS NOT NULL
           UNION ALL SELECT g.goal_id, ${rollUpParent('g')}, c.depth + 1 FROM goal_rm g JOIN goals c ON g.goal_id = c.parent_goal_id WHERE c.depth < ${MAX_DEPTH}),
         units(org_unit_id, parent_org_unit_id, depth) AS (
           SELECT start.id, (SELECT parent_org_unit_id FROM org_unit_rm WHERE org_unit_id = start.id), 0 FROM (SELECT ${unit} AS id) start WHERE start.id IS NOT NULL
           UNION ALL SELECT u.org_unit_id, u.parent_org_unit_id, c.depth + 1 FROM org_unit_rm u JOIN units c ON u.org_unit_id = c.parent_org_unit_id WHERE c.depth < ${MAX_DEPTH})
       SELECT 'goal' AS scope, goal_id AS id FROM goals UNION SELECT 'org_unit', org_unit_id FROM units`,
      params,
    );
    return rows.map((row) => ({ scope: row.scope, id: row.id }));
  }
}
