import { messagingMigrations } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';
import { CreateReadModelsAndScores1764000000300 } from './migrations/1764000000300-create-read-models-and-scores';
import { CreateAlignmentReadModels1764000000310 } from './migrations/1764000000310-create-alignment-read-models';
import { VersionSettingsAndExplainHistory1764000000320 } from './migrations/1764000000320-version-settings-and-explain-history';
import { RankDriversByIndex1764000000330 } from './migrations/1764000000330-rank-drivers-by-index';
import { AddOrgStateRunStamp1764000000340 } from './migrations/1764000000340-add-org-state-run-stamp';
import { CreateWeightedGoalLinks1764000000350 } from './migrations/1764000000350-create-weighted-goal-links';
import { KeepFactsInScoreHistory1764000000360 } from './migrations/1764000000360-keep-facts-in-score-history';

/** Metrics reads and writes with SQL (additive upserts, version guards), so it maps no entities. */
export const metricsDatabase: ServiceDatabase = {
  defaultSchema: 'metrics',
  entities: [],
  migrations: [
    ...messagingMigrations,
    CreateReadModelsAndScores1764000000300,
    CreateAlignmentReadModels1764000000310,
    VersionSettingsAndExplainHistory1764000000320,
    RankDriversByIndex1764000000330,
    AddOrgStateRunStamp1764000000340,
    CreateWeightedGoalLinks1764000000350,
    KeepFactsInScoreHistory1764000000360,
  ],
};
