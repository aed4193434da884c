import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'key_result_check_in' })
export class KeyResultCheckIn {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'key_result_id', type: 'uuid' })
  keyResultId: string;

  @Column({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'manager_id', type: 'uuid' })
  managerId: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ name: 'measured_on', type: 'date' })
  measuredOn: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
