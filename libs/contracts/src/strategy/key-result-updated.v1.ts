import { defineEvent } from '../event-definition';
import { exampleKeyResult, KeyResultSnapshotSchema } from './strategy-snapshots';
import { Topics } from '../topics';

export const KeyResultUpdatedV1 = defineEvent({
  type: 'throughline.key-result.updated.v1',
  version: 1,
  topic: Topics.Goals,
  description: 'A key result (KPI target) of a goal was updated; carries its full state.',
  schema: KeyResultSnapshotSchema,
  partitionKey: (data) => data.goalId,
  subject: (data) => data.keyResultId,
  example: exampleKeyResult,
});
