import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { KeyResultAddedV1, KeyResultRemovedV1, KeyResultUpdatedV1 } from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { Actor, notFound, page, Page, PageQueryDto, actedBy } from '@throughline/service-kit';
import { lockOpenGoal, requireGoal } from '../goal-locks';
import { changedFields, hasChanges } from '../../shared/changes';
import { lockForChange } from '../../shared/locking';
import { CreateKeyResultDto, KeyResultView, UpdateKeyResultDto } from './dto/key-result.dto';
import { assertTargetMatchesDirection } from './key-result.rules';
import { keyResultView } from './key-result-views';
import { keyResultSnapshot } from '../goal-events';
import { newKeyResult } from '../goal-changes';
import { KeyResult } from './key-result.entity';
import { AccessPolicy } from '../../access/access-policy';

@Injectable()
export class KeyResultsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
    private readonly access: AccessPolicy,
  ) {}

  async add(actor: Actor, goalId: string, input: CreateKeyResultDto, correlationId: string): Promise<KeyResultView> {
    assertTargetMatchesDirection(input.baseline, input.target, input.direction);
    return this.dataSource.transaction(async (tx) => {
      const goal = await lockOpenGoal(tx, this.access, actor, goalId, 'adding a key result');
      const keyResult = await tx.save(tx.create(KeyResult, newKeyResult(actor.orgId, goal.id, input)));
      await this.outbox.publish(tx, KeyResultAddedV1, keyResultSnapshot(keyResult), actedBy(actor, correlationId));
      return keyResultView(keyResult);
    });
  }

  async update(
    actor: Actor,
    goalId: string,
    keyResultId: string,
    input: UpdateKeyResultDto,
    expectedVersion: number,
    correlationId: string,
  ): Promise<KeyResultView> {
    return this.dataSource.transaction(async (tx) => {
      await lockOpenGoal(tx, this.access, actor, goalId, 'changing a key result');
      const keyResult = await lockForChange(
        tx,
        KeyResult,
        'Key result',
        keyResultId,
        { id: keyResultId, goalId, orgId: actor.orgId },
        expectedVersion,
      );
      const changes = changedFields(keyResult, input);
      if (!hasChanges(changes)) return keyResultView(keyResult);
      Object.assign(keyResult, changes);
      assertTargetMatchesDirection(keyResult.baseline, keyResult.target, keyResult.direction);
      await tx.save(keyResult);
      await this.outbox.publish(tx, KeyResultUpdatedV1, keyResultSnapshot(keyResult), actedBy(actor, correlationId));
      return keyResultView(keyResult);
    });
  }

  async remove(
    actor: Actor,
    goalId: string,
    keyResultId: string,
    expectedVersion: number,
    correlationId: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await lockOpenGoal(tx, this.access, actor, goalId, 'removing a key result');
      const keyResult = await lockForChange(
        tx,
        KeyResult,
        'Key result',
        keyResultId,
        { id: keyResultId, goalId, orgId: actor.orgId },
        expectedVersion,
      );
      await tx.delete(KeyResult, { id: keyResult.id });
      await this.outbox.publish(
        tx,
        KeyResultRemovedV1,
        { goalId, keyResultId, removedAt: new Date().toISOString() },
        actedBy(actor, correlationId),
      );
    });
  }

  async get(actor: Actor, goalId: string, keyResultId: string): Promise<KeyResultView> {
    await requireGoal(this.dataSource.manager, this.access, actor, goalId);
    const keyResult = await this.dataSource.manager.findOne(KeyResult, { where: { id: keyResultId, goalId } });
    if (!keyResult) throw notFound('Key result', keyResultId);
    return keyResultView(keyResult);
  }

  async list(actor: Actor, goalId: string, query: PageQueryDto): Promise<Page<KeyResultView>> {
    await requireGoal(this.dataSource.manager, this.access, actor, goalId);
    const [keyResults, total] = await this.dataSource.manager.findAndCount(KeyResult, {
      where: { goalId },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return page(keyResults.map(keyResultView), total, query);
  }
}
