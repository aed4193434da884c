import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Execution's copy of a goal's key results: what managers may check in against. */
@Entity({ name: 'key_result_rm' })
export class KeyResultReadModel {
  @PrimaryColumn({ name: 'key_result_id', type: 'uuid' })
  keyResultId: string;

  @Column({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  unit: string | null;

  @Column({ type: 'double precision', nullable: true })
  baseline: number | null;

  @Column({ type: 'double precision', nullable: true })
  target: number | null;

  @Column({ type: 'text', nullable: true })
  direction: 'increase' | 'decrease' | null;

  @Column({ name: 'snapshot_version', type: 'integer', default: 0 })
  snapshotVersion: number;

  /** Set when removed; a removed key result takes no more check-ins and is not revived by an older event. */
  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;
}
