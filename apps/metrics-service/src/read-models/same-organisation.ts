import { EntityManager } from 'typeorm';
import { otherOrganisation, sameOrganisationCheck } from '@throughline/messaging';

const AGGREGATE_TABLES = {
  goal: { table: 'goal_rm', column: 'goal_id' },
  task: { table: 'task_rm', column: 'task_id' },
  'org unit': { table: 'org_unit_rm', column: 'org_unit_id' },
  person: { table: 'person_rm', column: 'person_id' },
  'key result': { table: 'key_result_rm', column: 'key_result_id' },
  deliverable: { table: 'deliverable_rm', column: 'deliverable_id' },
  risk: { table: 'risk_rm', column: 'risk_id' },
};

type AggregateKind = keyof typeof AGGREGATE_TABLES;

/** The read models keyed by an aggregate's id: an event naming one held under another organisation is dead-lettered (docs/security.md). */
export const assertSameOrganisation = sameOrganisationCheck(AGGREGATE_TABLES);

/**
 * A placeholder row for an aggregate whose own events have not arrived yet, and the same check
 * on the row that is there: one statement (the insert's snapshot does not see its own row, so
 * exactly one of the two selects answers).
 */
export async function ensurePlaceholder(
  tx: EntityManager,
  kind: AggregateKind,
  id: string,
  orgId: string,
  columns: Record<string, unknown> = {},
): Promise<void> {
  const { table, column } = AGGREGATE_TABLES[kind];
  const names = [column, 'org_id', ...Object.keys(columns)];
  const [row]: Array<{ org_id: string }> = await tx.query(
    `WITH inserted AS (INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, index) => `$${index + 1}`).join(', ')}) ON CONFLICT (${column}) DO NOTHING RETURNING org_id)
     SELECT org_id FROM inserted UNION ALL SELECT org_id FROM ${table} WHERE ${column} = $1`,
    [id, orgId, ...Object.values(columns)],
  );
  if (row.org_id !== orgId) throw otherOrganisation(kind, id, orgId);
}
