import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDateTime, Uuid } from '../schema-types';
import { Topics } from '../topics';
import { ScoreScopeSchema } from './alignment-score-changed.v1';

export const ALERT_KINDS = [
  'goal_at_risk',
  'goal_off_track',
  'budget_overrun',
  'unlinked_work',
  'unmitigated_risk',
  'goal_forecast_overrun',
  'goal_forecast_late',
] as const;

export const AlertRaisedV1 = defineEvent({
  type: 'throughline.alert.raised.v1',
  version: 1,
  topic: Topics.Alerts,
  description:
    'Something needs attention: a goal crossed into at risk or off track, a budget overran, unlinked work exceeded its share, a high risk has no mitigation, or a goal is forecast to overrun its budget or miss its end date.',
  schema: Type.Object(
    {
      alertId: Uuid(),
      kind: Type.Union(ALERT_KINDS.map((kind) => Type.Literal(kind))),
      scope: ScoreScopeSchema,
      scopeId: Uuid(),
      message: Type.String({ minLength: 1, maxLength: 2000 }),
      details: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
      raisedAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.scopeId,
  subject: (data) => data.alertId,
  example: {
    alertId: '2a3b4c5d-6e7f-4a8b-9c9d-0e1f2a3b4c5d',
    kind: 'goal_off_track',
    scope: 'goal',
    scopeId: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
    message: 'Launch the new product line fell to 38.5 (off track): the pilot run is 3 weeks overdue.',
    details: { score: 38.5, previousBand: 'at_risk' },
    raisedAt: '2026-04-22T00:00:00.000Z',
  },
});
