import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ScoreBand } from './alignment-formula';
import { ScoreScope } from './alignment-score.entity';

/** Every change of a score, for trends. */
@Entity({ name: 'alignment_score_history' })
@Index('alignment_score_history_scope_idx', ['scope', 'scopeId', 'at'])
export class AlignmentScoreHistory {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  scope: ScoreScope;

  @Column({ name: 'scope_id', type: 'uuid' })
  scopeId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'double precision' })
  score: number;

  @Column({ type: 'text' })
  band: ScoreBand;

  @Column({ type: 'timestamptz' })
  at: Date;
}
