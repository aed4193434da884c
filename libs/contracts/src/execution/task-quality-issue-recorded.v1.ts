import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDateTime, Uuid } from '../schema-types';
import { Topics } from '../topics';
import { exampleTaskIds } from './task-examples';

export const TaskQualityIssueRecordedV1 = defineEvent({
  type: 'throughline.task.quality-issue-recorded.v1',
  version: 1,
  topic: Topics.Tasks,
  description: 'A quality issue (a defect, or rework) was recorded against a task.',
  schema: Type.Object(
    {
      taskId: Uuid(),
      goalId: Type.Union([Uuid(), Type.Null()]),
      managerId: Uuid(),
      issueId: Uuid(),
      kind: Type.Union([Type.Literal('defect'), Type.Literal('rework')]),
      severity: Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')]),
      description: Type.String({ minLength: 1, maxLength: 2000 }),
      recordedBy: Uuid(),
      recordedAt: IsoDateTime(),
    },
    { additionalProperties: false },
  ),
  partitionKey: (data) => data.goalId ?? data.managerId,
  subject: (data) => data.issueId,
  example: {
    ...exampleTaskIds,
    issueId: '0e1f2a3b-4c5d-4e6f-9a7b-8c9d0e1f2a3b',
    kind: 'defect',
    severity: 'medium',
    description: 'Casing cracks in the drop test',
    recordedBy: exampleTaskIds.managerId,
    recordedAt: '2026-02-11T09:00:00.000Z',
  },
});
