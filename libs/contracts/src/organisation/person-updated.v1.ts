import { defineEvent } from '../event-definition';
import { Topics } from '../topics';
import { examplePerson, PersonSnapshotSchema } from './organisation-snapshots';

export const PersonUpdatedV1 = defineEvent({
  type: 'throughline.person.updated.v1',
  version: 1,
  topic: Topics.Organisation,
  description: 'A person was updated (role, org unit, reporting line); carries their full state.',
  schema: PersonSnapshotSchema,
  partitionKey: (_, orgId) => orgId,
  subject: (data) => data.personId,
  example: examplePerson,
});
