import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@throughline/service-kit';

/** Metrics' own copy of a goal, built from strategy events only. */
@Entity({ name: 'goal_read_model' })
export class GoalReadModel {
  @PrimaryColumn({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'parent_goal_id', type: 'uuid', nullable: true })
  parentGoalId: string | null;

  @Column({ name: 'org_unit_id', type: 'uuid' })
  orgUnitId: string;

  @Column({ type: 'text' })
  status: string;

  @Column({ name: 'period_start', type: 'date' })
  periodStart: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd: string;

  @Column({ type: 'double precision' })
  weight: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'budget_minor', type: 'bigint', transformer: bigintAsNumber })
  budgetMinor: number;
}
