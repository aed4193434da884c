import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@throughline/service-kit';
import { BudgetAllocation } from './budget.rules';

/** One numbered, immutable revision of a goal's budget: total and allocations as they were decided. */
@Entity({ name: 'budget_revision' })
export class BudgetRevision {
  @PrimaryColumn({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @PrimaryColumn({ type: 'integer' })
  revision: number;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'total_minor', type: 'bigint', transformer: bigintAsNumber })
  totalMinor: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  allocations: BudgetAllocation[];

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'revised_by', type: 'uuid' })
  revisedBy: string;

  @Column({ name: 'revised_at', type: 'timestamptz' })
  revisedAt: Date;
}
