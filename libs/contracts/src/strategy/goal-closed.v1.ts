import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDateTime, Uuid } from '../schema-types';
import { exampleGoal } from './strategy-snapshots';
import { Topics } from '../topics';

export const GoalClosedV1 = defineEvent({
  type: 'throughline.goal.closed.v1',
  version: 1,
  topic: Topics.Goals,
  description: 'A goal ended as achieved, missed or abandoned; open work derived from it should be cancelled.',
  schema: Type.Object(
    {
      goalId: Uuid(),
      outcome: Type.Union([Type.Literal('achieved'), Type.Literal('missed'), Type.Literal('abandoned')]),
      reason: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
      closedAt: IsoDateTime(),
      version: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId,
  subject: (data) => data.goalId,
  example: {
    goalId: exampleGoal.goalId,
    outcome: 'abandoned',
    reason: 'Market entry postponed',
    closedAt: '2026-04-01T10:00:00.000Z',
    version: 5,
  },
});
