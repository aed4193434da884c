import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { EventOf, GoalClosedV1 } from '@throughline/contracts';
import { HandleEvent, causedBy } from '@throughline/messaging';
import { mergeGoalStatus } from '../goals/goal-status';
import { lockGoalReadModel } from '../goals/goal-read-models';
import { OPEN_STATUSES } from './task-state-machine';
import { Task } from './task.entity';
import { TaskWriter } from './task-writer';

/**
 * A closed goal (achieved, missed, abandoned) leaves no open work behind: every open task
 * linked to it — derived or added by a manager — is cancelled with the outcome as reason.
 * Remembering the closure also stops a late activation from creating tasks.
 */
@Injectable()
export class CancelTasksWhenGoalClosed {
  constructor(private readonly writer: TaskWriter) {}

  @HandleEvent(GoalClosedV1)
  async handle(event: EventOf<typeof GoalClosedV1>, tx: EntityManager): Promise<void> {
    const { goalId, outcome, reason, version } = event.data;
    const goal = await lockGoalReadModel(tx, goalId, event.orgid);
    goal.status = mergeGoalStatus(goal.status, outcome);
    goal.snapshotVersion = Math.max(goal.snapshotVersion, version);
    await tx.save(goal);
    const why = `Goal closed as ${goal.status}${reason ? `: ${reason}` : ''}`;
    const cause = causedBy(event);
    const open = await tx.find(Task, {
      where: { goalId, orgId: event.orgid, status: In([...OPEN_STATUSES]) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const task of open) await this.writer.cancel(tx, task, why, cause);
  }
}
