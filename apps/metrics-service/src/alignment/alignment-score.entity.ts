import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ScoreBand, ScoreComponent, Score } from './alignment-formula';

export type ScoreScope = 'goal' | 'manager' | 'org_unit' | 'organisation';

/** The current score of one scope, with its explanation. */
@Entity({ name: 'alignment_score' })
export class AlignmentScore {
  @PrimaryColumn({ type: 'text' })
  scope: ScoreScope;

  @PrimaryColumn({ name: 'scope_id', type: 'uuid' })
  scopeId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'double precision' })
  score: number;

  @Column({ type: 'text' })
  band: ScoreBand;

  @Column({ type: 'jsonb' })
  components: ScoreComponent[];

  @Column({ type: 'jsonb' })
  drivers: Score['drivers'];

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt: Date;
}
