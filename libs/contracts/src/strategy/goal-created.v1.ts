import { defineEvent } from '../event-definition';
import { exampleGoal, GoalSnapshotSchema } from './strategy-snapshots';
import { Topics } from '../topics';

export const GoalCreatedV1 = defineEvent({
  type: 'throughline.goal.created.v1',
  version: 1,
  topic: Topics.Goals,
  description: 'A draft goal was created; carries its full state.',
  schema: GoalSnapshotSchema,
  partitionKey: (data) => data.goalId,
  subject: (data) => data.goalId,
  example: exampleGoal,
});
