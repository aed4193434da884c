import { defineEvent } from '../event-definition';
import { exampleGoal, GoalSnapshotSchema } from './strategy-snapshots';
import { Topics } from '../topics';

export const GoalUpdatedV1 = defineEvent({
  type: 'throughline.goal.updated.v1',
  version: 1,
  topic: Topics.Goals,
  description: 'A goal was changed (title, period, weight, owner, parent...); carries its full state.',
  schema: GoalSnapshotSchema,
  partitionKey: (data) => data.goalId,
  subject: (data) => data.goalId,
  example: { ...exampleGoal, title: 'Launch the X200 product line', version: 2 },
});
