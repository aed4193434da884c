import { messagingMigrations } from '@throughline/messaging';
import { ServiceDatabase } from '@throughline/service-kit';
import { BudgetRevision } from '../goals/budgets/budget-revision.entity';
import { Deliverable } from '../goals/deliverables/deliverable.entity';
import { Goal } from '../goals/goal.entity';
import { GoalContribution } from '../goals/contributions/goal-contribution.entity';
import { KeyResult } from '../goals/key-results/key-result.entity';
import { KeyResultMeasurement } from '../goals/key-results/measurements/measurement.entity';
import { Organisation } from '../organisation/organisation.entity';
import { OrgUnit } from '../organisation/org-unit.entity';
import { Person } from '../organisation/person.entity';
import { Risk } from '../goals/risks/risk.entity';
import { CreateGoals1764000000100 } from './migrations/1764000000100-create-goals';
import { CreateOrganisation1764000000110 } from './migrations/1764000000110-create-organisation';
import { CreateGoalParts1764000000120 } from './migrations/1764000000120-create-goal-parts';
import { CreatePlanImports1764000000180 } from './migrations/1764000000180-create-plan-imports';
import { AddPersonExternalIdentity1764000000190 } from './migrations/1764000000190-add-person-external-identity';
import { CreateKeyResultMeasurements1764000000200 } from './migrations/1764000000200-create-key-result-measurements';
import { CreateGoalContributions1764000000250 } from './migrations/1764000000250-create-goal-contributions';

/** The strategy service's schema: its entities and its migrations, in order. */
export const strategyDatabase: ServiceDatabase = {
  defaultSchema: 'strategy',
  entities: [
    Organisation,
    OrgUnit,
    Person,
    Goal,
    GoalContribution,
    KeyResult,
    KeyResultMeasurement,
    BudgetRevision,
    Deliverable,
    Risk,
  ],
  migrations: [
    ...messagingMigrations,
    CreateGoals1764000000100,
    CreateOrganisation1764000000110,
    CreateGoalParts1764000000120,
    CreatePlanImports1764000000180,
    AddPersonExternalIdentity1764000000190,
    CreateKeyResultMeasurements1764000000200,
    CreateGoalContributions1764000000250,
  ],
};
