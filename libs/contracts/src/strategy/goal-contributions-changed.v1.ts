import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { Topics } from '../topics';
import { Uuid } from '../schema-types';

const ContributionSchema = Type.Object(
  {
    goalId: Uuid('A goal this goal contributes to'),
    weightPercent: Type.Integer({
      minimum: 1,
      maximum: 100,
      description: "The share of this goal's work that rolls up into that goal, in whole percent",
    }),
  },
  { additionalProperties: false },
);

export const GoalContributionsChangedV1 = defineEvent({
  type: 'throughline.goal.contributions-changed.v1',
  version: 1,
  topic: Topics.Goals,
  description:
    "The goals a goal contributes to (with weights that sum to 100) and merely supports (shown, not scored) were set. An empty `contributesTo` means the default: all of it rolls up into `parentGoalId`. Carries the goal's new version.",
  schema: Type.Object(
    {
      goalId: Uuid(),
      parentGoalId: Type.Union([Uuid(), Type.Null()]),
      contributesTo: Type.Array(ContributionSchema, { maxItems: 10 }),
      supports: Type.Array(Uuid(), { maxItems: 10, uniqueItems: true }),
      version: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId,
  subject: (data) => data.goalId,
  example: {
    goalId: '7a2e9c41-5b3d-4f6e-8a1c-2d3e4f5a6b7c',
    parentGoalId: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
    contributesTo: [
      { goalId: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f', weightPercent: 60 },
      { goalId: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', weightPercent: 40 },
    ],
    supports: ['1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e'],
    version: 3,
  },
});
