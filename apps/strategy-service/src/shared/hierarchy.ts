import { invalid } from '@throughline/service-kit/domain';

/**
 * Refuses a parent link that would close a loop: `id` may not become a child of
 * `proposedParentId` when `id` is that parent itself or one of its ancestors.
 * `ancestorsOfParent` is the chain from the proposed parent up to the root.
 */
export function assertNoCycle(
  what: string,
  field: string,
  id: string,
  proposedParentId: string | null,
  ancestorsOfParent: readonly string[],
): void {
  if (proposedParentId === null) return;
  if (proposedParentId === id) {
    throw invalid(`A ${what} cannot be its own ${field}.`, [{ field, message: `must not be the ${what} itself` }]);
  }
  if (ancestorsOfParent.includes(id)) {
    throw invalid(`${field} ${proposedParentId} would create a cycle: it is already below this ${what}.`, [
      { field, message: `must not be below this ${what} (that would be a cycle)` },
    ]);
  }
}
