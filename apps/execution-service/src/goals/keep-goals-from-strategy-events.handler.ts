import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  EventOf,
  GoalCreatedV1,
  GoalUpdatedV1,
  KeyResultAddedV1,
  KeyResultRemovedV1,
  KeyResultUpdatedV1,
} from '@throughline/contracts';
import { HandleEvent } from '@throughline/messaging';
import { mergeGoalStatus } from './goal-status';
import { lockGoalReadModel } from './goal-read-models';
import { assertSameOrganisation } from '../shared/same-organisation';

/**
 * Execution's copy of goals and key results. Snapshots carry a version: an older one
 * arriving after a newer one (a replay) is ignored, and a removed key result stays removed.
 */
@Injectable()
export class KeepGoalsFromStrategyEvents {
  @HandleEvent(GoalCreatedV1, GoalUpdatedV1)
  async onGoalSnapshot(event: EventOf<typeof GoalCreatedV1>, tx: EntityManager): Promise<void> {
    const snapshot = event.data;
    const goal = await lockGoalReadModel(tx, snapshot.goalId, event.orgid);
    if (snapshot.version <= goal.snapshotVersion) return;
    Object.assign(goal, {
      title: snapshot.title,
      currency: snapshot.currency,
      periodStart: snapshot.periodStart,
      periodEnd: snapshot.periodEnd,
      budgetMinor: goal.budgetRevision > 0 ? goal.budgetMinor : snapshot.budgetMinor,
      status: mergeGoalStatus(goal.status, snapshot.status),
      snapshotVersion: snapshot.version,
    });
    await tx.save(goal);
  }

  @HandleEvent(KeyResultAddedV1, KeyResultUpdatedV1)
  async onKeyResultSnapshot(event: EventOf<typeof KeyResultAddedV1>, tx: EntityManager): Promise<void> {
    const snapshot = event.data;
    await assertSameOrganisation(tx, 'key result', snapshot.keyResultId, event.orgid);
    await tx.query(
      `INSERT INTO key_result_rm (key_result_id, goal_id, org_id, name, unit, baseline, target, direction, snapshot_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (key_result_id) DO UPDATE SET name = EXCLUDED.name, unit = EXCLUDED.unit, baseline = EXCLUDED.baseline, target = EXCLUDED.target,
         direction = EXCLUDED.direction, snapshot_version = EXCLUDED.snapshot_version
       WHERE key_result_rm.snapshot_version < EXCLUDED.snapshot_version AND key_result_rm.org_id = EXCLUDED.org_id`,
      [
        snapshot.keyResultId,
        snapshot.goalId,
        event.orgid,
        snapshot.name,
        snapshot.unit,
        snapshot.baseline,
        snapshot.target,
        snapshot.direction,
        snapshot.version,
      ],
    );
  }

  @HandleEvent(KeyResultRemovedV1)
  async onKeyResultRemoved(event: EventOf<typeof KeyResultRemovedV1>, tx: EntityManager): Promise<void> {
    const { keyResultId, goalId, removedAt } = event.data;
    await assertSameOrganisation(tx, 'key result', keyResultId, event.orgid);
    // Kept as a tombstone so an Added that arrives after the removal does not revive it.
    await tx.query(
      `INSERT INTO key_result_rm (key_result_id, goal_id, org_id, removed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key_result_id) DO UPDATE SET removed_at = COALESCE(key_result_rm.removed_at, EXCLUDED.removed_at)
       WHERE key_result_rm.org_id = EXCLUDED.org_id`,
      [keyResultId, goalId, event.orgid, removedAt],
    );
  }
}
