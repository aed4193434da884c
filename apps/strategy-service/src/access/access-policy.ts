import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, notFound, ReportingLines, Role } from '@throughline/service-kit';
import {
  assertMayChangeGoal,
  assertMayDirectUnit,
  assertRole,
  GoalFacts,
  goalAccess,
  goalScope,
  GoalScope,
} from './access.rules';

/** What access is decided on: a goal's identity, unit and owner (its deliverables are read here). */
export type GoalRef = { id: string } & Pick<GoalFacts, 'orgUnitId' | 'ownerId'>;

/**
 * The one place the strategy service decides who may do what (docs/security.md). Services
 * call it after loading a resource within the caller's organisation, so anything of another
 * organisation has already answered 404; what the caller may not see also answers 404,
 * and what they see but may not change answers 403.
 */
@Injectable()
export class AccessPolicy {
  /** For actions that depend on the role alone (creating, managing the organisation). */
  assertRole(actor: Actor, roles: readonly Role[], action: string): void {
    assertRole(actor, roles, action);
  }

  /** A director creates or moves goals only into their own unit or a unit below it. */
  async assertMayDirectUnit(manager: EntityManager, actor: Actor, orgUnitId: string): Promise<void> {
    assertMayDirectUnit(actor, await reportingLines(manager, actor.orgId), orgUnitId);
  }

  async assertMayRead(manager: EntityManager, actor: Actor, goal: GoalRef): Promise<void> {
    if (!(await this.mayRead(manager, actor, goal))) throw notFound('Goal', goal.id);
  }

  async mayRead(manager: EntityManager, actor: Actor, goal: GoalRef): Promise<boolean> {
    return (await this.access(manager, actor, goal)) !== 'none';
  }

  async assertMayChange(manager: EntityManager, actor: Actor, goal: GoalRef): Promise<void> {
    assertMayChangeGoal(actor, await this.access(manager, actor, goal), goal.id);
  }

  /** The goals the caller sees, for list queries. */
  async goalScope(manager: EntityManager, actor: Actor): Promise<GoalScope> {
    if (actor.role === 'admin' || actor.role === 'integrator') return { all: true };
    return goalScope(actor, await reportingLines(manager, actor.orgId));
  }

  private async access(manager: EntityManager, actor: Actor, goal: GoalRef) {
    if (actor.role === 'admin' || actor.role === 'integrator') return 'read';
    const rows: Array<{ manager_id: string }> = await manager.query(
      `SELECT DISTINCT manager_id FROM deliverable WHERE goal_id = $1 AND org_id = $2 AND removed_at IS NULL`,
      [goal.id, actor.orgId],
    );
    const facts: GoalFacts = {
      orgUnitId: goal.orgUnitId,
      ownerId: goal.ownerId,
      deliverableManagerIds: rows.map((row) => row.manager_id),
    };
    return goalAccess(actor, await reportingLines(manager, actor.orgId), facts);
  }
}

/** The organisation's active people and its unit tree, read in the caller's transaction (the plan import reads them once). */
export async function reportingLines(manager: EntityManager, orgId: string): Promise<ReportingLines> {
  const [people, units] = await Promise.all([
    manager.query(
      `SELECT id AS "personId", reports_to_id AS "reportsToId", org_unit_id AS "orgUnitId" FROM person WHERE org_id = $1 AND active`,
      [orgId],
    ),
    manager.query(`SELECT id AS "orgUnitId", parent_org_unit_id AS "parentOrgUnitId" FROM org_unit WHERE org_id = $1`, [
      orgId,
    ]),
  ]);
  return new ReportingLines(people, units);
}
