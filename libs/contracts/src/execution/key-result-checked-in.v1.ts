import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDate, IsoDateTime, Uuid } from '../schema-types';
import { Topics } from '../topics';
import { exampleTaskIds } from './task-examples';

export const KeyResultCheckedInV1 = defineEvent({
  type: 'throughline.key-result.checked-in.v1',
  version: 1,
  topic: Topics.Tasks,
  description: 'A manager recorded a measured value of a key result, with the date it was measured and a note.',
  schema: Type.Object(
    {
      checkInId: Uuid(),
      keyResultId: Uuid(),
      goalId: Uuid(),
      managerId: Uuid(),
      value: Type.Number(),
      measuredOn: IsoDate(),
      note: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
      recordedAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId,
  subject: (data) => data.checkInId,
  example: {
    checkInId: '1f2a3b4c-5d6e-4f7a-8b8c-9d0e1f2a3b4c',
    keyResultId: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b',
    goalId: exampleTaskIds.goalId,
    managerId: exampleTaskIds.managerId,
    value: 47.5,
    measuredOn: '2026-02-28',
    note: 'After the first supplier renegotiation',
    recordedAt: '2026-03-01T09:00:00.000Z',
  },
});
