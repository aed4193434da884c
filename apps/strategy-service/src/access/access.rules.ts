import { Actor, forbidden, notFound, ReportingLines, Role } from '@throughline/service-kit/domain';

/**
 * Who may see and change a goal (and its key results, budget, deliverables and risks),
 * decided from the reporting lines alone; framework-free so the rules are tested as a table.
 * See docs/security.md.
 */
export type GoalAccess = 'change' | 'read' | 'none';

export interface GoalFacts {
  orgUnitId: string;
  ownerId: string;
  /** Managers of the goal's current deliverables. */
  deliverableManagerIds: readonly string[];
}

/**
 * The goals a caller sees: every goal of the organisation, or those of the listed units,
 * owned by the listed people, or with a deliverable for one of the listed people.
 */
export type GoalScope = { all: true } | { all: false; unitIds: string[]; personIds: string[] };

export function goalScope(actor: Pick<Actor, 'personId' | 'role'>, lines: ReportingLines): GoalScope {
  switch (actor.role) {
    case 'admin':
    case 'integrator':
      return { all: true };
    case 'manager':
      return { all: false, unitIds: [], personIds: [actor.personId] };
    case 'director': {
      const unit = lines.unitOf(actor.personId);
      // Their unit and the units below it, plus the units above it: the strategy their goals serve.
      const unitIds = unit ? [...new Set([...lines.unitSubtree(unit), ...lines.unitsAbove(unit)])] : [];
      return { all: false, unitIds, personIds: [...lines.reportingSubtree(actor.personId)] };
    }
  }
}

export function isInScope(scope: GoalScope, goal: GoalFacts): boolean {
  if (scope.all) return true;
  return (
    scope.unitIds.includes(goal.orgUnitId) ||
    scope.personIds.includes(goal.ownerId) ||
    goal.deliverableManagerIds.some((id) => scope.personIds.includes(id))
  );
}

/** Directors direct the goals of their own unit and the units below it, and the goals they own. */
export function mayDirectUnit(
  actor: Pick<Actor, 'personId' | 'role'>,
  lines: ReportingLines,
  orgUnitId: string,
): boolean {
  if (actor.role !== 'director') return false;
  const unit = lines.unitOf(actor.personId);
  return unit !== null && lines.isUnitWithin(orgUnitId, unit);
}

export function goalAccess(
  actor: Pick<Actor, 'personId' | 'role'>,
  lines: ReportingLines,
  goal: GoalFacts,
): GoalAccess {
  if (actor.role === 'director' && (goal.ownerId === actor.personId || mayDirectUnit(actor, lines, goal.orgUnitId)))
    return 'change';
  return isInScope(goalScope(actor, lines), goal) ? 'read' : 'none';
}

/** For actions that depend on the role alone (creating, managing the organisation). */
export function assertRole(actor: Pick<Actor, 'role'>, roles: readonly Role[], action: string): void {
  if (!roles.includes(actor.role))
    throw forbidden(`Only ${roles.join(' or ')} may ${action}; your token has role ${actor.role}.`);
}

/** A director creates or moves goals only into their own unit or a unit below it (403 otherwise). */
export function assertMayDirectUnit(
  actor: Pick<Actor, 'personId' | 'role'>,
  lines: ReportingLines,
  orgUnitId: string,
): void {
  assertRole(actor, ['director'], 'create and change goals');
  if (!mayDirectUnit(actor, lines, orgUnitId))
    throw forbidden(`Org unit ${orgUnitId} is not your unit or a unit below it: only its directors set its goals.`);
}

/** Changing a goal needs 'change' access: a goal the caller does not see answers 404, one they only see 403. */
export function assertMayChangeGoal(actor: Pick<Actor, 'role'>, access: GoalAccess, goalId: string): void {
  if (access === 'none') throw notFound('Goal', goalId);
  if (access === 'read') {
    throw forbidden(
      actor.role === 'director'
        ? `Goal ${goalId} belongs to a unit outside yours: you see it, but only directors of its unit (or above) change it.`
        : `Only directors change goals and their key results, budgets, deliverables and risks; your token has role ${actor.role}.`,
    );
  }
}
