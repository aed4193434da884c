import { EntityManager } from 'typeorm';

/**
 * For each start goal, every goal reachable upwards from it through parents and contributions
 * (itself included). A set per start: UNION stops at goals already reached, so it ends on any graph.
 */
export async function goalsAbove(
  tx: EntityManager,
  orgId: string,
  startIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const rows: Array<{ start_id: string; goal_id: string }> = await tx.query(
    `WITH RECURSIVE
       edges(from_id, to_id) AS (
         SELECT id, parent_goal_id FROM goal WHERE org_id = $2 AND parent_goal_id IS NOT NULL
         UNION ALL SELECT goal_id, to_goal_id FROM goal_contribution WHERE org_id = $2),
       above(start_id, goal_id) AS (
         SELECT id, id FROM unnest($1::uuid[]) AS starts(id)
         UNION SELECT above.start_id, edges.to_id FROM above JOIN edges ON edges.from_id = above.goal_id)
     SELECT start_id, goal_id FROM above`,
    [startIds, orgId],
  );
  const byStart = new Map<string, Set<string>>();
  for (const row of rows) byStart.set(row.start_id, (byStart.get(row.start_id) ?? new Set()).add(row.goal_id));
  return byStart;
}
