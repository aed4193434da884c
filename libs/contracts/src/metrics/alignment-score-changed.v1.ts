import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDateTime, Uuid } from '../schema-types';
import { Topics } from '../topics';

export const ScoreScopeSchema = Type.Union([
  Type.Literal('goal'),
  Type.Literal('manager'),
  Type.Literal('org_unit'),
  Type.Literal('organisation'),
]);
export const ScoreBandSchema = Type.Union([
  Type.Literal('on_track'),
  Type.Literal('at_risk'),
  Type.Literal('off_track'),
]);

export const AlignmentScoreChangedV1 = defineEvent({
  type: 'throughline.alignment-score.changed.v1',
  version: 1,
  topic: Topics.Scores,
  description:
    'The alignment score of a goal, manager, org unit or the organisation changed (published only on change).',
  schema: Type.Object(
    {
      scope: ScoreScopeSchema,
      scopeId: Uuid(),
      score: Type.Number({ minimum: 0, maximum: 100 }),
      previousScore: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]),
      band: ScoreBandSchema,
      components: Type.Array(
        Type.Object(
          {
            name: Type.String(),
            value: Type.Number({ minimum: 0, maximum: 100 }),
            weight: Type.Number({ minimum: 0 }),
          },
          { additionalProperties: false },
        ),
      ),
      computedAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.scopeId,
  subject: (data) => data.scopeId,
  example: {
    scope: 'goal',
    scopeId: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
    score: 72.5,
    previousScore: 60,
    band: 'at_risk',
    components: [{ name: 'schedule', value: 72.5, weight: 1 }],
    computedAt: '2026-01-06T08:30:01.000Z',
  },
});
