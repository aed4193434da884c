/**
 * How a manager's budget allocation is spread over their tasks on a goal: in proportion
 * to the tasks' current planned costs (the deliverable budgets), or by weight when those
 * are all zero. Exact in minor units: the shares sum to the allocation, the cents left by
 * rounding down go one each to the largest remainders (ties: the order given).
 */
export interface SplitCandidate {
  id: string;
  plannedCostMinor: number;
  weight: number;
}

export function splitAllocation(amountMinor: number, tasks: readonly SplitCandidate[]): Map<string, number> {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0)
    throw new RangeError(`allocation must be a non-negative integer of minor units, got ${amountMinor}`);
  const shares = new Map<string, number>();
  if (tasks.length === 0) return shares;
  const byCost = tasks.some((task) => task.plannedCostMinor > 0);
  // Weights are decimals; scale them to integers so the arithmetic stays exact.
  const basis = tasks.map((task) => BigInt(byCost ? task.plannedCostMinor : Math.round(task.weight * 1_000_000)));
  const total = basis.reduce((sum, value) => sum + value, 0n);
  const amount = BigInt(amountMinor);
  const exact = basis.map((value, index) => ({
    index,
    floor: total === 0n ? 0n : (amount * value) / total,
    remainder: total === 0n ? 0n : (amount * value) % total,
  }));
  let left = amount - exact.reduce((sum, share) => sum + share.floor, 0n);
  if (total === 0n) {
    // Nothing to weigh by: equal shares.
    const each = amount / BigInt(tasks.length);
    exact.forEach((share) => (share.floor = each));
    left = amount - each * BigInt(tasks.length);
  }
  const order = [...exact].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of order) {
    if (left === 0n) break;
    share.floor += 1n;
    left -= 1n;
  }
  for (const share of exact) shares.set(tasks[share.index].id, Number(share.floor));
  return shares;
}
