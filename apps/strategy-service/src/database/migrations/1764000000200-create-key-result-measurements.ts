import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Measurements pushed by other systems (each also a check-in event), and the Idempotency-Keys
 * of the requests that pushed them: per caller, with the first response, until they expire.
 */
export class CreateKeyResultMeasurements1764000000200 implements MigrationInterface {
  name = 'CreateKeyResultMeasurements1764000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE key_result_measurement (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        key_result_id uuid NOT NULL CONSTRAINT key_result_measurement_key_result_fk REFERENCES key_result (id) ON DELETE CASCADE,
        goal_id uuid NOT NULL,
        value double precision NOT NULL,
        measured_at timestamptz NOT NULL,
        source text NOT NULL,
        recorded_by uuid NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX key_result_measurement_latest_idx ON key_result_measurement (key_result_id, measured_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE idempotency_key (
        org_id uuid NOT NULL,
        caller_id uuid NOT NULL,
        key text NOT NULL,
        request_sha256 char(64) NOT NULL,
        response_status integer NOT NULL,
        response_body json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT idempotency_key_pkey PRIMARY KEY (org_id, caller_id, key)
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_key_expiry_idx ON idempotency_key (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_key`);
    await queryRunner.query(`DROP TABLE key_result_measurement`);
  }
}
