import { EntityManager } from 'typeorm';
import { UnprocessableEventError } from './event-consumer';

/** Where a service keeps an aggregate it learns about from events: a table (a constant, never input) and its id column. */
export interface AggregateTable {
  table: string;
  column: string;
}

/**
 * Builds a consumer-side check that an event touches only aggregates of its own
 * organisation. Ids are global, so the same id held under another organisation means a
 * forged or broken producer: the event is dead-lettered at once and nothing changes.
 */
export function sameOrganisationCheck<Kind extends string>(tables: Record<Kind, AggregateTable>) {
  return async (tx: EntityManager, kind: Kind, id: string, orgId: string): Promise<void> => {
    const { table, column } = tables[kind];
    const [row]: Array<{ org_id: string }> = await tx.query(`SELECT org_id FROM ${table} WHERE ${column} = $1`, [id]);
    if (row && row.org_id !== orgId) throw otherOrganisation(kind, id, orgId);
  };
}

/** The refusal of an event that names another organisation's aggregate. */
export function otherOrganisation(kind: string, id: string, orgId: string): UnprocessableEventError {
  return new UnprocessableEventError(`${kind} ${id} belongs to another organisation than the event's (${orgId})`);
}
