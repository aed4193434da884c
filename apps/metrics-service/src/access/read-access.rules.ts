import { forbidden, notFound } from '@throughline/service-kit/domain';

interface Reader {
  role: string;
  personId: string;
}

/**
 * Who may read which scores and KPIs: a manager their own; a director the organisation's,
 * but a manager's only when the manager reports to them, directly or not (`team`: the
 * director's reporting subtree; a manager outside it answers 404 like one that does not
 * exist); admins and integrators the whole organisation. The organisation itself always
 * comes from the actor, so another organisation's ids simply are not found.
 */
export function assertMayRead(
  actor: Reader,
  scope: 'goal' | 'manager' | 'org_unit' | 'organisation',
  scopeId: string,
  team?: ReadonlySet<string>,
): void {
  if (actor.role === 'director' && scope === 'manager' && team && !team.has(scopeId)) {
    throw notFound(
      'Manager',
      scopeId,
      `Manager ${scopeId} does not report to you: a director reads the figures of their own reporting line.`,
    );
  }
  if (actor.role !== 'manager') return;
  if (scope === 'manager' && scopeId === actor.personId) return;
  throw forbidden(
    `A manager may read their own scores and KPIs (/v1/.../managers/${actor.personId}); ${scope.replace('_', ' ')} figures are for directors.`,
  );
}
