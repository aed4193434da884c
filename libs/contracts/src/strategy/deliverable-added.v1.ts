import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { Currency, Uuid } from '../schema-types';
import { DeliverableSnapshotSchema, exampleDeliverable, exampleGoal } from './strategy-snapshots';
import { Topics } from '../topics';

export const DeliverableAddedV1 = defineEvent({
  type: 'throughline.deliverable.added.v1',
  version: 1,
  topic: Topics.Goals,
  description: 'A deliverable of a goal was added; execution follows with the task when the goal is active.',
  schema: Type.Object(
    {
      goalId: Uuid(),
      goalStatus: Type.String({ minLength: 1 }),
      currency: Currency(),
      deliverable: DeliverableSnapshotSchema,
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId,
  subject: (data) => data.deliverable.deliverableId,
  example: { goalId: exampleGoal.goalId, goalStatus: 'active', currency: 'EUR', deliverable: exampleDeliverable },
});
