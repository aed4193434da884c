import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { KeyResultCheckedInV1 } from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { Actor, notFound, page, Page, PageQueryDto, conflict, forbidden } from '@throughline/service-kit';
import { GoalReadModel } from '../goals/goal-read-model.entity';
import { todayUtc } from '../shared/today';
import { assertNotInFuture } from '../tasks/task.rules';
import { Task } from '../tasks/task.entity';
import { CheckInDto, CheckInView, KeyResultListQueryDto, KeyResultView } from './dto/key-result.dto';
import { KeyResultCheckIn } from './key-result-check-in.entity';
import { KeyResultReadModel } from './key-result-read-model.entity';

/** Goals a manager works on: those with a task of theirs (in any status). */
const GOALS_OF_MANAGER = `SELECT DISTINCT goal_id FROM task WHERE org_id = :orgId AND manager_id = :managerId AND goal_id IS NOT NULL`;

@Injectable()
export class KeyResultsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
  ) {}

  /** Managers see the key results of the goals they work on; the other roles the organisation's. */
  async list(actor: Actor, query: KeyResultListQueryDto): Promise<Page<KeyResultView>> {
    const qb = this.dataSource.manager
      .createQueryBuilder(KeyResultReadModel, 'kr')
      .where('kr.org_id = :orgId', { orgId: actor.orgId })
      .andWhere('kr.removed_at IS NULL')
      .andWhere('kr.name IS NOT NULL');
    if (actor.role === 'manager') qb.andWhere(`kr.goal_id IN (${GOALS_OF_MANAGER})`, { managerId: actor.personId });
    if (query.goalId) qb.andWhere('kr.goal_id = :goalId', { goalId: query.goalId });
    const [rows, total] = await qb
      .orderBy('kr.goal_id')
      .addOrderBy('kr.name')
      .addOrderBy('kr.key_result_id')
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    const latest = rows.length
      ? await this.dataSource.manager.query(
          `SELECT DISTINCT ON (key_result_id) key_result_id, value, measured_on::text AS measured_on FROM key_result_check_in
           WHERE key_result_id = ANY($1) ORDER BY key_result_id, measured_on DESC, recorded_at DESC`,
          [rows.map((row) => row.keyResultId)],
        )
      : [];
    const latestById = new Map<string, { value: number; measured_on: string }>(
      latest.map((row: { key_result_id: string; value: number; measured_on: string }) => [row.key_result_id, row]),
    );
    return page(
      rows.map((row) => ({
        keyResultId: row.keyResultId,
        goalId: row.goalId,
        name: row.name,
        unit: row.unit,
        baseline: row.baseline,
        target: row.target,
        direction: row.direction,
        latestValue: latestById.get(row.keyResultId)?.value ?? null,
        latestMeasuredOn: latestById.get(row.keyResultId)?.measured_on ?? null,
      })),
      total,
      query,
    );
  }

  async listCheckIns(actor: Actor, keyResultId: string, query: PageQueryDto): Promise<Page<CheckInView>> {
    const keyResult = await this.dataSource.manager.findOne(KeyResultReadModel, {
      where: { keyResultId, orgId: actor.orgId },
    });
    if (!keyResult || !keyResult.name) throw notFound('Key result', keyResultId);
    // A manager sees the key results of the goals they work on only, as in the list.
    if (
      actor.role === 'manager' &&
      !(await this.dataSource.manager.existsBy(Task, {
        orgId: actor.orgId,
        managerId: actor.personId,
        goalId: keyResult.goalId,
      }))
    )
      throw notFound('Key result', keyResultId);
    const [rows, total] = await this.dataSource.manager.findAndCount(KeyResultCheckIn, {
      where: { keyResultId, orgId: actor.orgId },
      order: { measuredOn: 'DESC', recordedAt: 'DESC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return page(rows.map(toCheckInView), total, query);
  }

  /** A measured value of a key result of a goal the manager works on; one event, in the same transaction. */
  async checkIn(actor: Actor, keyResultId: string, input: CheckInDto, correlationId: string): Promise<CheckInView> {
    return this.dataSource.transaction(async (tx) => {
      const keyResult = await tx.findOne(KeyResultReadModel, {
        where: { keyResultId, orgId: actor.orgId, removedAt: IsNull() },
      });
      if (!keyResult || !keyResult.name) throw notFound('Key result', keyResultId);
      // Checked after the lookup, so another organisation's key result answers 404 whatever the role (docs/security.md).
      if (actor.role !== 'manager')
        throw forbidden(`Only managers check in key results; your token has role ${actor.role}.`);
      const worksOnGoal = await tx.existsBy(Task, {
        orgId: actor.orgId,
        managerId: actor.personId,
        goalId: keyResult.goalId,
      });
      if (!worksOnGoal)
        throw forbidden(
          `You can check in key results only of goals you have tasks on; goal ${keyResult.goalId} has none of yours.`,
        );
      const goal = await tx.findOne(GoalReadModel, { where: { goalId: keyResult.goalId } });
      if (goal?.status !== 'active')
        throw conflict(
          `Goal ${keyResult.goalId} is ${goal?.status ?? 'unknown'}; check-ins are taken only while it is active.`,
        );
      assertNotInFuture(input.measuredOn, todayUtc(), 'measuredOn');
      const note = input.note?.trim() || null;
      const checkIn = await tx.save(
        tx.create(KeyResultCheckIn, {
          keyResultId,
          goalId: keyResult.goalId,
          orgId: actor.orgId,
          managerId: actor.personId,
          value: input.value,
          measuredOn: input.measuredOn,
          note,
        }),
      );
      await this.outbox.publish(
        tx,
        KeyResultCheckedInV1,
        {
          checkInId: checkIn.id,
          keyResultId,
          goalId: keyResult.goalId,
          managerId: actor.personId,
          value: checkIn.value,
          measuredOn: checkIn.measuredOn,
          note,
          recordedAt: checkIn.recordedAt.toISOString(),
        },
        { orgId: actor.orgId, correlationId },
      );
      return toCheckInView(checkIn);
    });
  }
}

function toCheckInView(checkIn: KeyResultCheckIn): CheckInView {
  const { id, keyResultId, goalId, managerId, value, measuredOn, note, recordedAt } = checkIn;
  return { id, keyResultId, goalId, managerId, value, measuredOn, note, recordedAt: recordedAt.toISOString() };
}
