import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDate, IsoDateTime, Uuid } from '../schema-types';
import { Topics } from '../topics';
import { exampleTaskIds } from './task-examples';

export const TaskHoursRecordedV1 = defineEvent({
  type: 'throughline.task.hours-recorded.v1',
  version: 1,
  topic: Topics.Tasks,
  description: 'Hours worked on a task were booked (as whole minutes, exact).',
  schema: Type.Object(
    {
      taskId: Uuid(),
      goalId: Type.Union([Uuid(), Type.Null()]),
      managerId: Uuid(),
      entryId: Uuid(),
      minutes: Type.Integer({ minimum: 1, maximum: 1440 * 31 }),
      workedOn: IsoDate(),
      note: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
      recordedBy: Uuid(),
      recordedAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId ?? data.managerId,
  subject: (data) => data.entryId,
  example: {
    ...exampleTaskIds,
    entryId: '9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a',
    minutes: 450,
    workedOn: '2026-02-09',
    note: null,
    recordedBy: exampleTaskIds.managerId,
    recordedAt: '2026-02-10T16:06:00.000Z',
  },
});
