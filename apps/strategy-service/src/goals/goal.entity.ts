import { Column, Entity, Index } from 'typeorm';
import { bigintAsNumber, TenantAggregate } from '@throughline/service-kit';
import { GoalStatus } from './goal-lifecycle';

@Entity({ name: 'goal' })
@Index('goal_org_status_idx', ['orgId', 'status'])
@Index('goal_org_period_idx', ['orgId', 'periodStart', 'periodEnd'])
export class Goal extends TenantAggregate {
  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ name: 'org_unit_id', type: 'uuid' })
  orgUnitId: string;

  @Column({ name: 'parent_goal_id', type: 'uuid', nullable: true })
  parentGoalId: string | null;

  @Column({ name: 'period_start', type: 'date' })
  periodStart: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd: string;

  @Column({ type: 'double precision', default: 1 })
  weight: number;

  @Column({ type: 'text', default: 'draft' })
  status: GoalStatus;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** The current total budget: the latest revision's total, kept here so goal reads and events need no join. */
  @Column({ name: 'budget_minor', type: 'bigint', transformer: bigintAsNumber })
  budgetMinor: number;

  /** The number of the budget revision whose total is `budgetMinor` (see budgets/). */
  @Column({ name: 'budget_revision', type: 'integer', default: 1 })
  budgetRevision: number;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'close_reason', type: 'text', nullable: true })
  closeReason: string | null;
}
