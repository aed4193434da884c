import { EntityManager } from 'typeorm';
import { UnprocessableEventError } from '@throughline/messaging';

/** The read models keyed by an aggregate's id, and that id's column. */
const AGGREGATES = {
  goal: { table: 'goal_rm', column: 'goal_id' },
  task: { table: 'task_rm', column: 'task_id' },
  'org unit': { table: 'org_unit_rm', column: 'org_unit_id' },
  person: { table: 'person_rm', column: 'person_id' },
  'key result': { table: 'key_result_rm', column: 'key_result_id' },
  deliverable: { table: 'deliverable_rm', column: 'deliverable_id' },
  risk: { table: 'risk_rm', column: 'risk_id' },
} as const;

/**
 * An event touches only aggregates of its own organisation. Ids are global, so the same id
 * held under another organisation is a forged or broken producer: the event is dead-lettered
 * at once and nothing of the other organisation changes (docs/security.md).
 */
export async function assertSameOrganisation(tx: EntityManager, kind: keyof typeof AGGREGATES, id: string, orgId: string): Promise<void> {
  const { table, column } = AGGREGATES[kind];
  const [row]: Array<{ org_id: string }> = await tx.query(`SELECT org_id FROM ${table} WHERE ${column} = $1`, [id]);
  if (row && row.org_id !== orgId) throw new UnprocessableEventError(`${kind} ${id} belongs to another organisation than the event's (${orgId})`);
}
