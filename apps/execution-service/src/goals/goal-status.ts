/**
 * A goal only moves forward: draft → active → achieved | missed | abandoned. Events can
 * arrive late or be replayed, so the status kept is the furthest one heard of, never an
 * older one that happens to arrive last. 'unknown' marks a goal known only by its id.
 */
const RANK: Record<string, number> = { unknown: 0, draft: 1, active: 2, achieved: 3, missed: 3, abandoned: 3 };

export function mergeGoalStatus(current: string, incoming: string): string {
  const currentRank = RANK[current] ?? 0;
  const incomingRank = RANK[incoming] ?? 0;
  // Once closed, the first closing outcome stands.
  return incomingRank > currentRank ? incoming : current;
}

export function isClosedGoalStatus(status: string): boolean {
  return RANK[status] === 3;
}
