import { DataSource } from 'typeorm';
import { preparedQuery } from '@throughline/messaging';
import { Actor, ReportingLines } from '@throughline/service-kit';

/** A director's reporting subtree (themselves included), from the people metrics keeps from organisation events; undefined for other roles. */
export async function reportingTeam(dataSource: DataSource, actor: Actor): Promise<Set<string> | undefined> {
  if (actor.role !== 'director') return undefined;
  const people = await preparedQuery<{ personId: string; reportsToId: string | null; orgUnitId: string | null }>(
    dataSource.manager,
    `SELECT person_id AS "personId", reports_to_id AS "reportsToId", org_unit_id AS "orgUnitId" FROM person_rm WHERE org_id = $1 AND active`,
    [actor.orgId],
  );
  return new ReportingLines(people, []).reportingSubtree(actor.personId);
}
