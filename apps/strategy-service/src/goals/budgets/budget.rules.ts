import { FieldProblem, invalid } from '@throughline/service-kit/domain';

export interface BudgetAllocation {
  managerId: string | null;
  orgUnitId: string | null;
  amountMinor: number;
}

/** Allocations as a request names them (one of the two ids), as a revision keeps them (the other null). */
export function budgetAllocations(
  requested: ReadonlyArray<{ managerId?: string; orgUnitId?: string; amountMinor: number }>,
): BudgetAllocation[] {
  return requested.map((allocation) => ({
    managerId: allocation.managerId ?? null,
    orgUnitId: allocation.orgUnitId ?? null,
    amountMinor: allocation.amountMinor,
  }));
}

/** Sums of minor units in BigInt, so many large amounts never lose a cent to floating point. */
export function sumMinor(amounts: readonly number[]): bigint {
  return amounts.reduce((sum, amount) => sum + BigInt(amount), 0n);
}

/**
 * A budget revision is valid when each allocation names exactly one recipient (a manager
 * or an org unit), no recipient appears twice, the allocations fit in the total, and the
 * total still covers the budget shares the goal's deliverables already carry.
 */
export function assertValidRevision(
  totalMinor: number,
  allocations: readonly BudgetAllocation[],
  deliverableSharesMinor: bigint,
): void {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  allocations.forEach((allocation, index) => {
    if ((allocation.managerId === null) === (allocation.orgUnitId === null)) {
      problems.push({ field: `allocations.${index}`, message: 'set exactly one of managerId and orgUnitId' });
      return;
    }
    const recipient = allocation.managerId ? `manager ${allocation.managerId}` : `org unit ${allocation.orgUnitId}`;
    if (seen.has(recipient))
      problems.push({
        field: `allocations.${index}`,
        message: `${recipient} appears twice: give each recipient one allocation`,
      });
    seen.add(recipient);
  });
  if (problems.length)
    throw invalid(
      `The allocations are not valid: ${problems.map((problem) => `${problem.field} ${problem.message}`).join('; ')}.`,
      problems,
    );
  const allocated = sumMinor(allocations.map((allocation) => allocation.amountMinor));
  if (allocated > BigInt(totalMinor)) {
    throw invalid(
      `The allocations (${allocated}) exceed the total budget (${totalMinor}) by ${allocated - BigInt(totalMinor)} minor units.`,
      [{ field: 'allocations', message: `must add up to at most totalMinor (${totalMinor})` }],
    );
  }
  if (deliverableSharesMinor > BigInt(totalMinor)) {
    throw invalid(
      `The deliverables already carry ${deliverableSharesMinor} minor units of budget: the total cannot go below that (reduce their shares first).`,
      [{ field: 'totalMinor', message: `must be at least ${deliverableSharesMinor}, the deliverables' budget shares` }],
    );
  }
}

/** Deliverable budget shares come out of the goal's total: together they never exceed it. */
export function assertSharesWithinTotal(totalMinor: number, otherSharesMinor: bigint, shareMinor: number): void {
  const remaining = BigInt(totalMinor) - otherSharesMinor;
  if (BigInt(shareMinor) > remaining) {
    throw invalid(
      `Deliverable budgets would exceed the goal's budget: ${otherSharesMinor + BigInt(shareMinor)} > ${totalMinor} minor units.`,
      [{ field: 'budgetMinor', message: `at most ${remaining} remains of the goal's budget` }],
    );
  }
}
