import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlignmentScoreChangedV1 } from '@throughline/contracts';
import { EventContext, EventOutbox } from '@throughline/messaging';
import { Actor, notFound } from '@throughline/service-kit';
import { TaskReadModel } from '../read-models/task-read-model.entity';
import { scoreGoal } from './alignment-formula';
import { AlignmentScoreHistory } from './alignment-score-history.entity';
import { AlignmentScore } from './alignment-score.entity';
import { GoalScoreView, ScorePointView } from './dto/score.dto';

@Injectable()
export class AlignmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
  ) {}

  /**
   * Recomputes one goal's score from its tasks inside the caller's transaction; stores and
   * publishes it only when it changed. `at` is the causing event's time, so a replay of the
   * same events gives the same history.
   */
  async recomputeGoal(tx: EntityManager, goalId: string, at: Date, context: EventContext): Promise<void> {
    const tasks = await tx.find(TaskReadModel, { where: { goalId } });
    const next = scoreGoal(tasks);
    const current = await tx.findOne(AlignmentScore, { where: { scope: 'goal', scopeId: goalId }, lock: { mode: 'pessimistic_write' } });
    if (current && current.score === next.score && current.band === next.band) return;
    await tx.save(tx.create(AlignmentScore, { scope: 'goal', scopeId: goalId, orgId: context.orgId, score: next.score, band: next.band, components: next.components, drivers: next.drivers, computedAt: at }));
    await tx.save(tx.create(AlignmentScoreHistory, { scope: 'goal', scopeId: goalId, orgId: context.orgId, score: next.score, band: next.band, at }));
    await this.outbox.publish(
      tx,
      AlignmentScoreChangedV1,
      {
        scope: 'goal',
        scopeId: goalId,
        score: next.score,
        previousScore: current?.score ?? null,
        band: next.band,
        components: next.components.map(({ name, value, weight }) => ({ name, value, weight })),
        computedAt: at.toISOString(),
      },
      context,
    );
  }

  async goalScore(actor: Actor, goalId: string): Promise<GoalScoreView> {
    const score = await this.dataSource.manager.findOne(AlignmentScore, { where: { scope: 'goal', scopeId: goalId, orgId: actor.orgId } });
    if (!score) throw notFound('Score of goal', goalId);
    return { goalId, score: score.score, band: score.band, components: score.components, drivers: score.drivers, computedAt: score.computedAt.toISOString() };
  }

  async goalHistory(actor: Actor, goalId: string): Promise<ScorePointView[]> {
    const points = await this.dataSource.manager.find(AlignmentScoreHistory, { where: { scope: 'goal', scopeId: goalId, orgId: actor.orgId }, order: { at: 'ASC', id: 'ASC' } });
    return points.map((point) => ({ score: point.score, band: point.band, at: point.at.toISOString() }));
  }
}
