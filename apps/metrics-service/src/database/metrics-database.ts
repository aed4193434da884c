import { CreateMessagingTables1764000000000 } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';
import { AlignmentScoreHistory } from '../alignment/alignment-score-history.entity';
import { AlignmentScore } from '../alignment/alignment-score.entity';
import { GoalReadModel } from '../read-models/goal-read-model.entity';
import { TaskReadModel } from '../read-models/task-read-model.entity';
import { CreateReadModelsAndScores1764000000300 } from './migrations/1764000000300-create-read-models-and-scores';

export const metricsDatabase: ServiceDatabase = {
  defaultSchema: 'metrics',
  entities: [GoalReadModel, TaskReadModel, AlignmentScore, AlignmentScoreHistory],
  migrations: [CreateMessagingTables1764000000000, CreateReadModelsAndScores1764000000300],
};
