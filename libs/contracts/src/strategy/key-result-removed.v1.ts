import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDateTime, Uuid } from '../schema-types';
import { exampleKeyResult } from './strategy-snapshots';
import { Topics } from '../topics';

export const KeyResultRemovedV1 = defineEvent({
  type: 'throughline.key-result.removed.v1',
  version: 1,
  topic: Topics.Goals,
  description: 'A key result was removed from its goal.',
  schema: Type.Object(
    { goalId: Uuid(), keyResultId: Uuid(), removedAt: IsoDateTime() },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId,
  subject: (data) => data.keyResultId,
  example: {
    goalId: exampleKeyResult.goalId,
    keyResultId: exampleKeyResult.keyResultId,
    removedAt: '2026-02-01T10:00:00.000Z',
  },
});
