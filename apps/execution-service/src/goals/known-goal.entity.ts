import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Execution's own copy of the goals it has heard of, built from strategy events only. */
@Entity({ name: 'known_goal' })
export class KnownGoal {
  @PrimaryColumn({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'char', length: 3 })
  currency: string;
}
