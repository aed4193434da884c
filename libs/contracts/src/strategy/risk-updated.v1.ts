import { defineEvent } from '../event-definition';
import { exampleRisk, RiskSnapshotSchema } from './strategy-snapshots';
import { Topics } from '../topics';

export const RiskUpdatedV1 = defineEvent({
  type: 'throughline.risk.updated.v1',
  version: 1,
  topic: Topics.Goals,
  description: 'A risk of a goal was updated (likelihood and impact 1–5, mitigation, status); carries its full state.',
  schema: RiskSnapshotSchema,
  partitionKey: (data) => data.goalId,
  subject: (data) => data.riskId,
  example: exampleRisk,
});
