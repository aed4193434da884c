import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDateTime, Uuid } from '../schema-types';
import { exampleDeliverable, exampleGoal } from './strategy-snapshots';
import { Topics } from '../topics';

export const DeliverableRemovedV1 = defineEvent({
  type: 'throughline.deliverable.removed.v1',
  version: 1,
  topic: Topics.Goals,
  description: 'A deliverable was removed from its goal; its open task is cancelled with the reason.',
  schema: Type.Object(
    {
      goalId: Uuid(),
      deliverableId: Uuid(),
      reason: Type.String({ minLength: 1, maxLength: 2000 }),
      removedAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId,
  subject: (data) => data.deliverableId,
  example: {
    goalId: exampleGoal.goalId,
    deliverableId: exampleDeliverable.deliverableId,
    reason: 'Merged into the pilot run',
    removedAt: '2026-02-01T10:00:00.000Z',
  },
});
