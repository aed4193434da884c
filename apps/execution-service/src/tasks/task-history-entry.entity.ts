import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One line of a task's history: what changed, who did it, and from which request or event. */
@Entity({ name: 'task_history' })
@Index('task_history_task_idx', ['taskId', 'at'])
export class TaskHistoryEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @Column({ type: 'text' })
  change: string;

  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;
}
