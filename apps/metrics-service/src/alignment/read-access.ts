import { DomainError } from '@throughline/service-kit/domain';

interface Reader {
  role: string;
  personId: string;
}

/**
 * Who may read which scores and KPIs: a manager their own; directors, admins and integrators
 * the whole organisation (reporting-line visibility is refined separately). The organisation
 * itself always comes from the actor, so another organisation's ids simply are not found.
 */
export function assertMayRead(actor: Reader, scope: 'goal' | 'manager' | 'org_unit' | 'organisation', scopeId: string): void {
  if (actor.role !== 'manager') return;
  if (scope === 'manager' && scopeId === actor.personId) return;
  throw new DomainError('forbidden', `A manager may read their own scores and KPIs (/v1/.../managers/${actor.personId}); ${scope.replace('_', ' ')} figures are for directors.`);
}
