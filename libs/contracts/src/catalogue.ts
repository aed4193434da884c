import { EventDefinition } from './event-definition';
import { KeyResultCheckedInV1 } from './execution/key-result-checked-in.v1';
import { TaskCostRecordedV1 } from './execution/task-cost-recorded.v1';
import { TaskCreatedV1 } from './execution/task-created.v1';
import { TaskHoursRecordedV1 } from './execution/task-hours-recorded.v1';
import { TaskProgressReportedV1 } from './execution/task-progress-reported.v1';
import { TaskQualityIssueRecordedV1 } from './execution/task-quality-issue-recorded.v1';
import { TaskStatusChangedV1 } from './execution/task-status-changed.v1';
import { TaskUpdatedV1 } from './execution/task-updated.v1';
import { AlertRaisedV1 } from './metrics/alert-raised.v1';
import { AlignmentScoreChangedV1 } from './metrics/alignment-score-changed.v1';
import { OrgUnitCreatedV1 } from './organisation/org-unit-created.v1';
import { OrgUnitUpdatedV1 } from './organisation/org-unit-updated.v1';
import { OrganisationCreatedV1 } from './organisation/organisation-created.v1';
import { PersonCreatedV1 } from './organisation/person-created.v1';
import { PersonUpdatedV1 } from './organisation/person-updated.v1';
import { BudgetRevisedV1 } from './strategy/budget-revised.v1';
import { DeliverableAddedV1 } from './strategy/deliverable-added.v1';
import { DeliverableChangedV1 } from './strategy/deliverable-changed.v1';
import { DeliverableRemovedV1 } from './strategy/deliverable-removed.v1';
import { GoalActivatedV1 } from './strategy/goal-activated.v1';
import { GoalClosedV1 } from './strategy/goal-closed.v1';
import { GoalContributionsChangedV1 } from './strategy/goal-contributions-changed.v1';
import { GoalCreatedV1 } from './strategy/goal-created.v1';
import { GoalUpdatedV1 } from './strategy/goal-updated.v1';
import { KeyResultAddedV1 } from './strategy/key-result-added.v1';
import { KeyResultRemovedV1 } from './strategy/key-result-removed.v1';
import { KeyResultUpdatedV1 } from './strategy/key-result-updated.v1';
import { RiskRaisedV1 } from './strategy/risk-raised.v1';
import { RiskUpdatedV1 } from './strategy/risk-updated.v1';

/** Every event type the system publishes, in one place. A type missing here can be neither produced nor consumed. */
export const EVENT_DEFINITIONS: readonly EventDefinition[] = [
  KeyResultCheckedInV1,
  TaskCostRecordedV1,
  TaskCreatedV1,
  TaskHoursRecordedV1,
  TaskProgressReportedV1,
  TaskQualityIssueRecordedV1,
  TaskStatusChangedV1,
  TaskUpdatedV1,
  AlertRaisedV1,
  AlignmentScoreChangedV1,
  OrgUnitCreatedV1,
  OrgUnitUpdatedV1,
  OrganisationCreatedV1,
  PersonCreatedV1,
  PersonUpdatedV1,
  BudgetRevisedV1,
  DeliverableAddedV1,
  DeliverableChangedV1,
  DeliverableRemovedV1,
  GoalActivatedV1,
  GoalClosedV1,
  GoalContributionsChangedV1,
  GoalCreatedV1,
  GoalUpdatedV1,
  KeyResultAddedV1,
  KeyResultRemovedV1,
  KeyResultUpdatedV1,
  RiskRaisedV1,
  RiskUpdatedV1,
];
