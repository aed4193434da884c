import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Execution's own copies of strategy data (goals with period and budget revision, key
 * results, people, removed deliverables) and the manager's reports on tasks (cost,
 * hours, quality issues, key-result check-ins).
 */
export class AddExecutionReadModelsAndTaskReports1764000000300 implements MigrationInterface {
  name = 'AddExecutionReadModelsAndTaskReports1764000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A goal may first be heard of through an event that does not carry its title or currency (out-of-order arrival).
    await queryRunner.query(
      `ALTER TABLE known_goal ALTER COLUMN title DROP NOT NULL, ALTER COLUMN currency DROP NOT NULL`,
    );
    await queryRunner.query(`
      ALTER TABLE known_goal
        ADD COLUMN period_start date,
        ADD COLUMN period_end date,
        ADD COLUMN budget_minor bigint,
        ADD COLUMN snapshot_version integer NOT NULL DEFAULT 0,
        ADD COLUMN activated_at timestamptz,
        ADD COLUMN budget_revision integer NOT NULL DEFAULT 0,
        ADD COLUMN budget_allocations jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN budget_revised_at timestamptz`);
    await queryRunner.query(`CREATE INDEX known_goal_org_idx ON known_goal (org_id)`);

    await queryRunner.query(`
      CREATE TABLE removed_deliverable (
        deliverable_id uuid PRIMARY KEY,
        goal_id uuid NOT NULL,
        org_id uuid NOT NULL,
        reason text NOT NULL,
        removed_at timestamptz NOT NULL
      )`);

    await queryRunner.query(`
      CREATE TABLE known_key_result (
        key_result_id uuid PRIMARY KEY,
        goal_id uuid NOT NULL,
        org_id uuid NOT NULL,
        name text,
        unit text,
        baseline double precision,
        target double precision,
        direction text,
        snapshot_version integer NOT NULL DEFAULT 0,
        removed_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX known_key_result_goal_idx ON known_key_result (goal_id)`);

    await queryRunner.query(`
      CREATE TABLE known_person (
        person_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        org_unit_id uuid,
        reports_to_id uuid,
        active boolean NOT NULL,
        snapshot_version integer NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX known_person_reports_to_idx ON known_person (org_id, reports_to_id)`);

    await queryRunner.query(`
      ALTER TABLE task
        ADD COLUMN unlinked_reason text,
        ADD COLUMN cancellation_reason text,
        ADD COLUMN created_by uuid,
        ADD COLUMN actual_cost_minor bigint NOT NULL DEFAULT 0 CONSTRAINT task_actual_cost_check CHECK (actual_cost_minor >= 0),
        ADD COLUMN minutes_worked integer NOT NULL DEFAULT 0 CONSTRAINT task_minutes_worked_check CHECK (minutes_worked >= 0),
        ADD COLUMN quality_issue_count integer NOT NULL DEFAULT 0,
        ADD CONSTRAINT task_unlinked_reason_check CHECK ((goal_id IS NULL) = (unlinked_reason IS NOT NULL) OR origin = 'deliverable')`);
    await queryRunner.query(`CREATE INDEX task_org_due_date_idx ON task (org_id, due_date)`);

    await queryRunner.query(`
      CREATE TABLE task_cost_entry (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL CONSTRAINT task_cost_entry_task_fk REFERENCES task (id),
        org_id uuid NOT NULL,
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL CONSTRAINT task_cost_entry_amount_check CHECK (amount_minor > 0),
        description text NOT NULL,
        incurred_on date NOT NULL,
        recorded_by uuid NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX task_cost_entry_task_idx ON task_cost_entry (task_id, recorded_at)`);
    await queryRunner.query(`
      CREATE TABLE task_hours_entry (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL CONSTRAINT task_hours_entry_task_fk REFERENCES task (id),
        org_id uuid NOT NULL,
        minutes integer NOT NULL CONSTRAINT task_hours_entry_minutes_check CHECK (minutes > 0),
        worked_on date NOT NULL,
        note text,
        recorded_by uuid NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX task_hours_entry_task_idx ON task_hours_entry (task_id, recorded_at)`);
    await queryRunner.query(`
      CREATE TABLE task_quality_issue (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL CONSTRAINT task_quality_issue_task_fk REFERENCES task (id),
        org_id uuid NOT NULL,
        kind text NOT NULL CONSTRAINT task_quality_issue_kind_check CHECK (kind IN ('defect', 'rework')),
        severity text NOT NULL CONSTRAINT task_quality_issue_severity_check CHECK (severity IN ('low', 'medium', 'high')),
        description text NOT NULL,
        recorded_by uuid NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX task_quality_issue_task_idx ON task_quality_issue (task_id, recorded_at)`);
    await queryRunner.query(`
      CREATE TABLE key_result_check_in (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key_result_id uuid NOT NULL CONSTRAINT key_result_check_in_key_result_fk REFERENCES known_key_result (key_result_id),
        goal_id uuid NOT NULL,
        org_id uuid NOT NULL,
        manager_id uuid NOT NULL,
        value double precision NOT NULL,
        measured_on date NOT NULL,
        note text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX key_result_check_in_key_result_idx ON key_result_check_in (key_result_id, measured_on)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE key_result_check_in`);
    await queryRunner.query(`DROP TABLE task_quality_issue`);
    await queryRunner.query(`DROP TABLE task_hours_entry`);
    await queryRunner.query(`DROP TABLE task_cost_entry`);
    await queryRunner.query(`DROP INDEX task_org_due_date_idx`);
    await queryRunner.query(`
      ALTER TABLE task
        DROP CONSTRAINT task_unlinked_reason_check,
        DROP COLUMN quality_issue_count, DROP COLUMN minutes_worked, DROP COLUMN actual_cost_minor,
        DROP COLUMN created_by, DROP COLUMN cancellation_reason, DROP COLUMN unlinked_reason`);
    await queryRunner.query(`DROP TABLE known_person`);
    await queryRunner.query(`DROP TABLE known_key_result`);
    await queryRunner.query(`DROP TABLE removed_deliverable`);
    await queryRunner.query(`DROP INDEX known_goal_org_idx`);
    await queryRunner.query(`
      ALTER TABLE known_goal
        DROP COLUMN budget_revised_at, DROP COLUMN budget_allocations, DROP COLUMN budget_revision, DROP COLUMN activated_at,
        DROP COLUMN snapshot_version, DROP COLUMN budget_minor, DROP COLUMN period_end, DROP COLUMN period_start`);
    await queryRunner.query(
      `ALTER TABLE known_goal ALTER COLUMN title SET NOT NULL, ALTER COLUMN currency SET NOT NULL`,
    );
  }
}
