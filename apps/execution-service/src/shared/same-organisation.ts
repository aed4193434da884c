import { sameOrganisationCheck } from '@throughline/messaging';

/**
 * Execution's copies keyed by another service's id: an event naming one held under another
 * organisation is dead-lettered (docs/security.md). Goals are checked the same way by lockKnownGoal.
 */
export const assertSameOrganisation = sameOrganisationCheck({
  person: { table: 'known_person', column: 'person_id' },
  'key result': { table: 'known_key_result', column: 'key_result_id' },
});
