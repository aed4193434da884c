import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ContributionKind = 'contributes' | 'supports';

/** One edge of the contribution graph: this goal's work rolls up into another (weighted), or only supports it. */
@Entity({ name: 'goal_contribution' })
export class GoalContribution {
  @PrimaryColumn({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @PrimaryColumn({ name: 'to_goal_id', type: 'uuid' })
  toGoalId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  kind: ContributionKind;

  @Column({ name: 'weight_percent', type: 'integer', nullable: true })
  weightPercent: number | null;

  /** The order the director gave them in. */
  @Column({ type: 'integer' })
  position: number;
}
