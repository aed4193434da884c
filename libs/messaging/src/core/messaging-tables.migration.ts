import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox (events waiting to be published) and the inbox (events already handled)
 * that every service keeps in its own schema. Each service lists this migration first.
 */
export class CreateMessagingTables1764000000000 implements MigrationInterface {
  name = 'CreateMessagingTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_event (
        seq bigserial PRIMARY KEY,
        event_id uuid NOT NULL,
        topic text NOT NULL,
        partition_key text NOT NULL,
        event_type text NOT NULL,
        envelope json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        CONSTRAINT outbox_event_event_id_key UNIQUE (event_id)
      )`);
    await queryRunner.query(`CREATE INDEX outbox_event_unpublished_idx ON outbox_event (seq) WHERE published_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE inbox_event (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        topic text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT inbox_event_pkey PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox_event`);
    await queryRunner.query(`DROP TABLE outbox_event`);
  }
}
