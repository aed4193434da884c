import { sameOrganisationCheck } from '@throughline/messaging';

/**
 * Execution's copies keyed by another service's id: an event naming one held under another
 * organisation is dead-lettered (docs/security.md). Goals are checked the same way by lockGoalReadModel.
 */
export const assertSameOrganisation = sameOrganisationCheck({
  person: { table: 'person_rm', column: 'person_id' },
  'key result': { table: 'key_result_rm', column: 'key_result_id' },
});
