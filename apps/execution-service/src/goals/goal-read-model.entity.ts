import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@throughline/service-kit';

export interface KnownBudgetAllocation {
  managerId: string | null;
  orgUnitId: string | null;
  amountMinor: number;
}

/**
 * Execution's own copy of the goals it has heard of, built from strategy events only.
 * A row may start as a placeholder (only id and org) when an event about the goal
 * arrives before the goal itself; the missing facts are filled in when they arrive.
 */
@Entity({ name: 'goal_rm' })
export class GoalReadModel {
  @PrimaryColumn({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  /** draft, active, achieved, missed, abandoned — or 'unknown' for a placeholder. */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ name: 'period_start', type: 'date', nullable: true })
  periodStart: string | null;

  @Column({ name: 'period_end', type: 'date', nullable: true })
  periodEnd: string | null;

  @Column({ name: 'budget_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  budgetMinor: number | null;

  /** The goal version of the last snapshot applied; older snapshots (replays) are ignored. */
  @Column({ name: 'snapshot_version', type: 'integer', default: 0 })
  snapshotVersion: number;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  /** The latest budget revision seen (0: none); an older revision arriving later is ignored. */
  @Column({ name: 'budget_revision', type: 'integer', default: 0 })
  budgetRevision: number;

  @Column({ name: 'budget_allocations', type: 'jsonb', default: () => "'[]'::jsonb" })
  budgetAllocations: KnownBudgetAllocation[];

  @Column({ name: 'budget_revised_at', type: 'timestamptz', nullable: true })
  budgetRevisedAt: Date | null;
}
