import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A value of a key result pushed by another system (ERP, BI, finance); each is published as a check-in. */
@Entity({ name: 'key_result_measurement' })
@Index('key_result_measurement_latest_idx', ['keyResultId', 'measuredAt', 'id'])
export class KeyResultMeasurement {
  /** A UUIDv7 on the time measured (measurement.rules.ts, measurementId). */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'key_result_id', type: 'uuid' })
  keyResultId: string;

  @Column({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ name: 'measured_at', type: 'timestamptz' })
  measuredAt: Date;

  @Column({ type: 'text' })
  source: string;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
