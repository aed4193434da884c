import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhooks1764000000400 implements MigrationInterface {
  name = 'CreateWebhooks1764000000400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE webhook_subscription (
        subscription_id uuid NOT NULL,
        org_id uuid NOT NULL,
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        status text NOT NULL DEFAULT 'active',
        disabled_reason text,
        disabled_at timestamptz,
        failing_since timestamptz,
        consecutive_failures integer NOT NULL DEFAULT 0,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT pk_webhook_subscription PRIMARY KEY (subscription_id),
        CONSTRAINT ck_webhook_subscription_status CHECK (status IN ('active', 'disabled')),
        CONSTRAINT ck_webhook_subscription_event_types CHECK (cardinality(event_types) > 0)
      )`);
    await runner.query(`CREATE INDEX ix_webhook_subscription_org ON webhook_subscription (org_id, created_at)`);
    await runner.query(`
      CREATE TABLE webhook_event (
        event_id uuid NOT NULL,
        org_id uuid NOT NULL,
        event_type text NOT NULL,
        subject text NOT NULL,
        partition_key text NOT NULL,
        body text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_webhook_event PRIMARY KEY (event_id)
      )`);
    await runner.query(`
      CREATE TABLE webhook_delivery (
        delivery_id uuid NOT NULL DEFAULT gen_random_uuid(),
        sequence bigint GENERATED ALWAYS AS IDENTITY,
        subscription_id uuid NOT NULL,
        event_id uuid NOT NULL,
        org_id uuid NOT NULL,
        event_type text NOT NULL,
        partition_key text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        delivered_at timestamptz,
        dead_lettered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_webhook_delivery PRIMARY KEY (delivery_id),
        CONSTRAINT uq_webhook_delivery_sequence UNIQUE (sequence),
        CONSTRAINT uq_webhook_delivery_subscription_event UNIQUE (subscription_id, event_id),
        CONSTRAINT fk_webhook_delivery_subscription FOREIGN KEY (subscription_id) REFERENCES webhook_subscription (subscription_id) ON DELETE CASCADE,
        CONSTRAINT fk_webhook_delivery_event FOREIGN KEY (event_id) REFERENCES webhook_event (event_id),
        CONSTRAINT ck_webhook_delivery_status CHECK (status IN ('pending', 'delivered', 'dead_lettered'))
      )`);
    // The dispatcher's two questions: what is due, and is an earlier delivery of the same key still pending.
    await runner.query(
      `CREATE INDEX ix_webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending'`,
    );
    await runner.query(
      `CREATE INDEX ix_webhook_delivery_pending_key ON webhook_delivery (subscription_id, partition_key, sequence) WHERE status = 'pending'`,
    );
    await runner.query(`CREATE INDEX ix_webhook_delivery_list ON webhook_delivery (subscription_id, status, sequence)`);
    await runner.query(`CREATE INDEX ix_webhook_delivery_event ON webhook_delivery (event_id)`);
    // Retention: finished deliveries by age, then events by age.
    await runner.query(
      `CREATE INDEX ix_webhook_delivery_finished ON webhook_delivery ((COALESCE(delivered_at, dead_lettered_at))) WHERE status <> 'pending'`,
    );
    await runner.query(`CREATE INDEX ix_webhook_event_received ON webhook_event (received_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE webhook_delivery`);
    await runner.query(`DROP TABLE webhook_event`);
    await runner.query(`DROP TABLE webhook_subscription`);
  }
}
