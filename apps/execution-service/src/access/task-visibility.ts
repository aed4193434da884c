import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, ReportingLines } from '@throughline/service-kit';

/** Every manager's work is in view, or only that of these managers. */
export type ManagersInView = 'all' | string[];

/**
 * Whose work a caller sees, in one place (docs/security.md): admins and integrators the
 * organisation's, a director everyone reporting to them directly or not (from the people
 * this service keeps from organisation events), a manager their own.
 */
@Injectable()
export class TaskVisibility {
  async managersInView(manager: EntityManager, actor: Actor): Promise<ManagersInView> {
    switch (actor.role) {
      case 'admin':
      case 'integrator':
        return 'all';
      case 'manager':
        return [actor.personId];
      case 'director': {
        const people = await manager.query(
          `SELECT person_id AS "personId", reports_to_id AS "reportsToId", org_unit_id AS "orgUnitId" FROM person_rm WHERE org_id = $1 AND active`,
          [actor.orgId],
        );
        return [...new ReportingLines(people, []).reportingSubtree(actor.personId)];
      }
    }
  }
}

export function inView(managersInView: ManagersInView, managerId: string): boolean {
  return managersInView === 'all' || managersInView.includes(managerId);
}
