import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { RiskRaisedV1, RiskUpdatedV1 } from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { Actor, notFound, page, Page, actedBy } from '@throughline/service-kit';
import { lockOpenGoal, requireGoal } from '../goal-locks';
import { requirePerson } from '../../organisation/directory';
import { changedFields, hasChanges } from '../../shared/changes';
import { lockForChange } from '../../shared/locking';
import { CreateRiskDto, RiskListQueryDto, RiskView, UpdateRiskDto } from './dto/risk.dto';
import { assertMitigationStated, assertRiskTransition } from './risk-lifecycle';
import { riskView } from './risk-views';
import { riskSnapshot } from '../goal-events';
import { Risk } from './risk.entity';
import { AccessPolicy } from '../../access/access-policy';

@Injectable()
export class RisksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
    private readonly access: AccessPolicy,
  ) {}

  async raise(actor: Actor, goalId: string, input: CreateRiskDto, correlationId: string): Promise<RiskView> {
    return this.dataSource.transaction(async (tx) => {
      const goal = await lockOpenGoal(tx, this.access, actor, goalId, 'raising a risk');
      await requirePerson(tx, actor.orgId, input.ownerId, 'ownerId');
      const risk = await tx.save(
        tx.create(Risk, {
          orgId: actor.orgId,
          goalId: goal.id,
          title: input.title,
          likelihood: input.likelihood,
          impact: input.impact,
          ownerId: input.ownerId,
          mitigation: input.mitigation ?? null,
          status: 'open',
        }),
      );
      await this.outbox.publish(tx, RiskRaisedV1, riskSnapshot(risk), actedBy(actor, correlationId));
      return riskView(risk);
    });
  }

  async update(
    actor: Actor,
    goalId: string,
    riskId: string,
    input: UpdateRiskDto,
    expectedVersion: number,
    correlationId: string,
  ): Promise<RiskView> {
    return this.dataSource.transaction(async (tx) => {
      await lockOpenGoal(tx, this.access, actor, goalId, 'changing a risk');
      const risk = await lockForChange(
        tx,
        Risk,
        'Risk',
        riskId,
        { id: riskId, goalId, orgId: actor.orgId },
        expectedVersion,
      );
      const changes = changedFields(risk, input);
      if (!hasChanges(changes)) return riskView(risk);
      if (changes.status) assertRiskTransition(risk.status, changes.status);
      if (changes.ownerId) await requirePerson(tx, actor.orgId, changes.ownerId, 'ownerId');
      Object.assign(risk, changes);
      assertMitigationStated(risk.status, risk.mitigation);
      await tx.save(risk);
      await this.outbox.publish(tx, RiskUpdatedV1, riskSnapshot(risk), actedBy(actor, correlationId));
      return riskView(risk);
    });
  }

  async get(actor: Actor, goalId: string, riskId: string): Promise<RiskView> {
    await requireGoal(this.dataSource.manager, this.access, actor, goalId);
    const risk = await this.dataSource.manager.findOne(Risk, { where: { id: riskId, goalId } });
    if (!risk) throw notFound('Risk', riskId);
    return riskView(risk);
  }

  async list(actor: Actor, goalId: string, query: RiskListQueryDto): Promise<Page<RiskView>> {
    await requireGoal(this.dataSource.manager, this.access, actor, goalId);
    const where: FindOptionsWhere<Risk> = { goalId };
    if (query.status) where.status = query.status;
    const [risks, total] = await this.dataSource.manager.findAndCount(Risk, {
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return page(risks.map(riskView), total, query);
  }
}
