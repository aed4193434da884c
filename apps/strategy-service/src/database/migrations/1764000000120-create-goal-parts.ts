import { MigrationInterface, QueryRunner } from 'typeorm';

/** Goal closing, key results, budget revisions (history), deliverable changes and removal, risks. */
export class CreateGoalParts1764000000120 implements MigrationInterface {
  name = 'CreateGoalParts1764000000120';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE goal
        ADD COLUMN budget_revision integer NOT NULL DEFAULT 1,
        ADD COLUMN closed_at timestamptz,
        ADD COLUMN close_reason text`);
    await queryRunner.query(`CREATE INDEX goal_org_period_idx ON goal (org_id, period_start, period_end)`);
    await queryRunner.query(`
      ALTER TABLE deliverable
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN removed_at timestamptz,
        ADD COLUMN removal_reason text,
        ADD CONSTRAINT deliverable_removal_reason_check CHECK (removed_at IS NULL OR removal_reason IS NOT NULL)`);
    await queryRunner.query(`
      CREATE TABLE key_result (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        goal_id uuid NOT NULL CONSTRAINT key_result_goal_fk REFERENCES goal (id),
        name text NOT NULL,
        category text NOT NULL,
        unit text NOT NULL,
        baseline double precision NOT NULL,
        target double precision NOT NULL,
        direction text NOT NULL CONSTRAINT key_result_direction_check CHECK (direction IN ('increase', 'decrease')),
        weight double precision NOT NULL DEFAULT 1,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX key_result_goal_idx ON key_result (goal_id)`);
    // Revisions are immutable snapshots: the allocations of one revision are stored with it.
    await queryRunner.query(`
      CREATE TABLE budget_revision (
        goal_id uuid NOT NULL CONSTRAINT budget_revision_goal_fk REFERENCES goal (id),
        revision integer NOT NULL CONSTRAINT budget_revision_number_check CHECK (revision >= 1),
        org_id uuid NOT NULL,
        currency char(3) NOT NULL,
        total_minor bigint NOT NULL CONSTRAINT budget_revision_total_check CHECK (total_minor >= 0),
        allocations jsonb NOT NULL DEFAULT '[]',
        reason text,
        revised_by uuid NOT NULL,
        revised_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT budget_revision_pk PRIMARY KEY (goal_id, revision)
      )`);
    await queryRunner.query(`
      INSERT INTO budget_revision (goal_id, revision, org_id, currency, total_minor, allocations, reason, revised_by, revised_at)
      SELECT id, 1, org_id, currency, budget_minor, '[]', 'Initial budget', owner_id, created_at FROM goal`);
    await queryRunner.query(`
      CREATE TABLE risk (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        goal_id uuid NOT NULL CONSTRAINT risk_goal_fk REFERENCES goal (id),
        title text NOT NULL,
        likelihood smallint NOT NULL CONSTRAINT risk_likelihood_check CHECK (likelihood BETWEEN 1 AND 5),
        impact smallint NOT NULL CONSTRAINT risk_impact_check CHECK (impact BETWEEN 1 AND 5),
        owner_id uuid NOT NULL,
        mitigation text,
        status text NOT NULL DEFAULT 'open' CONSTRAINT risk_status_check CHECK (status IN ('open', 'mitigated', 'materialised', 'closed')),
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX risk_goal_idx ON risk (goal_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE risk`);
    await queryRunner.query(`DROP TABLE budget_revision`);
    await queryRunner.query(`DROP TABLE key_result`);
    await queryRunner.query(
      `ALTER TABLE deliverable DROP CONSTRAINT deliverable_removal_reason_check, DROP COLUMN removal_reason, DROP COLUMN removed_at, DROP COLUMN updated_at`,
    );
    await queryRunner.query(`DROP INDEX goal_org_period_idx`);
    await queryRunner.query(
      `ALTER TABLE goal DROP COLUMN close_reason, DROP COLUMN closed_at, DROP COLUMN budget_revision`,
    );
  }
}
