import { defineEvent } from '../event-definition';
import { Topics } from '../topics';
import { exampleOrgUnit, OrgUnitSnapshotSchema } from './organisation-snapshots';

export const OrgUnitUpdatedV1 = defineEvent({
  type: 'throughline.org-unit.updated.v1',
  version: 1,
  topic: Topics.Organisation,
  description:
    'An org unit was updated; carries its full state. Keyed by organisation so the tree changes stay in order.',
  schema: OrgUnitSnapshotSchema,
  partitionKey: (_, orgId) => orgId,
  subject: (data) => data.orgUnitId,
  example: exampleOrgUnit,
});
