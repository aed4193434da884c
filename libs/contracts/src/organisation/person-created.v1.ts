import { defineEvent } from '../event-definition';
import { Topics } from '../topics';
import { examplePerson, PersonSnapshotSchema } from './organisation-snapshots';

export const PersonCreatedV1 = defineEvent({
  type: 'throughline.person.created.v1',
  version: 1,
  topic: Topics.Organisation,
  description: 'A person was created (role, org unit, reporting line); carries their full state.',
  schema: PersonSnapshotSchema,
  partitionKey: (_, orgId) => orgId,
  subject: (data) => data.personId,
  example: examplePerson,
});
