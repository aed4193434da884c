import { Module } from '@nestjs/common';
import { CancelTasksWhenGoalClosed } from './cancel-tasks-when-goal-closed.handler';
import { CreateTasksWhenGoalActivated } from './create-tasks-when-goal-activated.handler';
import { FollowDeliverableChanges } from './follow-deliverable-changes.handler';
import { PlannedCostReviser } from './planned-cost-reviser';
import { RevisePlannedCostsWhenBudgetRevised } from './revise-planned-costs-when-budget-revised.handler';
import { TaskWriter } from './task-writer';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';
import { TaskVisibility } from '../access/task-visibility';

@Module({
  controllers: [TasksController],
  providers: [
    TaskVisibility,
    TasksService,
    TaskWriter,
    PlannedCostReviser,
    CreateTasksWhenGoalActivated,
    FollowDeliverableChanges,
    CancelTasksWhenGoalClosed,
    RevisePlannedCostsWhenBudgetRevised,
  ],
})
export class TasksModule {}
