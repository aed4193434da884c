import { EntityManager } from 'typeorm';

/** The self-referencing hierarchies of this service: table and parent column. */
const HIERARCHIES = {
  orgUnit: { table: 'org_unit', parent: 'parent_org_unit_id' },
  reportingLine: { table: 'person', parent: 'reports_to_id' },
  goal: { table: 'goal', parent: 'parent_goal_id' },
} as const;

/**
 * `startId` and every row above it (its parent, the parent's parent, …), in order.
 * Bounded so that a cycle already present in the data cannot loop forever.
 */
export async function ancestorChain(
  tx: EntityManager,
  hierarchy: keyof typeof HIERARCHIES,
  orgId: string,
  startId: string,
): Promise<string[]> {
  const { table, parent } = HIERARCHIES[hierarchy];
  const rows: Array<{ id: string }> = await tx.query(
    `WITH RECURSIVE chain (id, parent_id, depth) AS (
       SELECT id, ${parent}, 1 FROM ${table} WHERE id = $1 AND org_id = $2
       UNION ALL
       SELECT t.id, t.${parent}, chain.depth + 1 FROM ${table} t JOIN chain ON t.id = chain.parent_id WHERE chain.depth < 1000
     )
     SELECT id FROM chain ORDER BY depth`,
    [startId, orgId],
  );
  return rows.map((row) => row.id);
}

/** Serialises changes to one organisation's hierarchy, so two concurrent moves cannot together make a cycle. */
export async function lockHierarchy(
  tx: EntityManager,
  hierarchy: keyof typeof HIERARCHIES,
  orgId: string,
): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`throughline:${hierarchy}:${orgId}`]);
}
