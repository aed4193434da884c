import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tombstone: a removed deliverable never becomes a task, even if an older event about it arrives later. */
@Entity({ name: 'removed_deliverable' })
export class RemovedDeliverable {
  @PrimaryColumn({ name: 'deliverable_id', type: 'uuid' })
  deliverableId: string;

  @Column({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'removed_at', type: 'timestamptz' })
  removedAt: Date;
}
