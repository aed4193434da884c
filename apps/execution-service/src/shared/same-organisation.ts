import { EntityManager } from 'typeorm';
import { UnprocessableEventError } from '@throughline/messaging';

/** Execution's copies keyed by another service's id, and that id's column. */
const COPIES = {
  person: { table: 'known_person', column: 'person_id' },
  'key result': { table: 'known_key_result', column: 'key_result_id' },
} as const;

/**
 * An event touches only what belongs to its own organisation. Ids are global, so the same
 * id held under another organisation is a forged or broken producer: the event is
 * dead-lettered at once and nothing of the other organisation changes (docs/security.md).
 * Goals are checked the same way by lockKnownGoal.
 */
export async function assertSameOrganisation(tx: EntityManager, kind: keyof typeof COPIES, id: string, orgId: string): Promise<void> {
  const { table, column } = COPIES[kind];
  const [row]: Array<{ org_id: string }> = await tx.query(`SELECT org_id FROM ${table} WHERE ${column} = $1`, [id]);
  if (row && row.org_id !== orgId) throw new UnprocessableEventError(`${kind} ${id} belongs to another organisation than the event's (${orgId})`);
}
