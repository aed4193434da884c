import { sameOrganisationCheck } from '@throughline/messaging';

/** The read models keyed by an aggregate's id: an event naming one held under another organisation is dead-lettered (docs/security.md). */
export const assertSameOrganisation = sameOrganisationCheck({
  goal: { table: 'goal_rm', column: 'goal_id' },
  task: { table: 'task_rm', column: 'task_id' },
  'org unit': { table: 'org_unit_rm', column: 'org_unit_id' },
  person: { table: 'person_rm', column: 'person_id' },
  'key result': { table: 'key_result_rm', column: 'key_result_id' },
  deliverable: { table: 'deliverable_rm', column: 'deliverable_id' },
  risk: { table: 'risk_rm', column: 'risk_id' },
});
