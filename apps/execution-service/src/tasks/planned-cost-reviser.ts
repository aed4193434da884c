import { Injectable } from '@nestjs/common';
import { EventContext } from '@throughline/messaging';
import { EntityManager, Not } from 'typeorm';
import { GoalReadModel } from '../goals/goal-read-model.entity';
import { splitAllocation } from './planned-cost-split';
import { Task } from './task.entity';
import { TaskWriter } from './task-writer';

/**
 * Budget revisions reach tasks through the allocations that name a manager: that
 * manager's deliverable tasks on the goal (all but cancelled ones) share the amount,
 * split by `splitAllocation`. Allocations to an org unit name no one execution can
 * act for, and managers not named keep their planned costs.
 */
@Injectable()
export class PlannedCostReviser {
  constructor(private readonly writer: TaskWriter) {}

  async applyLatestRevision(tx: EntityManager, goal: GoalReadModel, cause: EventContext): Promise<void> {
    for (const allocation of goal.budgetAllocations) {
      if (!allocation.managerId) continue;
      const tasks = await tx.find(Task, {
        where: {
          goalId: goal.goalId,
          managerId: allocation.managerId,
          origin: 'deliverable',
          status: Not('cancelled'),
        },
        order: { id: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      const shares = splitAllocation(allocation.amountMinor, tasks);
      for (const task of tasks) {
        await this.writer.follow(
          tx,
          task,
          { plannedCostMinor: shares.get(task.id)!, currency: goal.currency ?? task.currency },
          `budget.revised#${goal.budgetRevision}`,
          cause,
        );
      }
    }
  }
}
