import { MigrationInterface, QueryRunner } from 'typeorm';

/** The W3C trace context of the change that wrote an outbox row, so its publication continues that trace. */
export class AddOutboxTraceparent1767000000000 implements MigrationInterface {
  name = 'AddOutboxTraceparent1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox_event ADD COLUMN IF NOT EXISTS traceparent text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox_event DROP COLUMN IF EXISTS traceparent`);
  }
}
