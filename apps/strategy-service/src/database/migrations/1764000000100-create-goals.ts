import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGoals1764000000100 implements MigrationInterface {
  name = 'CreateGoals1764000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE goal (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        owner_id uuid NOT NULL,
        org_unit_id uuid NOT NULL,
        parent_goal_id uuid CONSTRAINT goal_parent_fk REFERENCES goal (id),
        period_start date NOT NULL,
        period_end date NOT NULL,
        weight double precision NOT NULL DEFAULT 1,
        status text NOT NULL DEFAULT 'draft' CONSTRAINT goal_status_check CHECK (status IN ('draft', 'active', 'achieved', 'missed', 'abandoned')),
        currency char(3) NOT NULL,
        budget_minor bigint NOT NULL CONSTRAINT goal_budget_check CHECK (budget_minor >= 0),
        activated_at timestamptz,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT goal_period_check CHECK (period_start <= period_end)
      )`);
    await queryRunner.query(`CREATE INDEX goal_org_status_idx ON goal (org_id, status)`);
    await queryRunner.query(`CREATE INDEX goal_parent_idx ON goal (parent_goal_id)`);
    await queryRunner.query(`
      CREATE TABLE deliverable (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        goal_id uuid NOT NULL CONSTRAINT deliverable_goal_fk REFERENCES goal (id),
        title text NOT NULL,
        manager_id uuid NOT NULL,
        due_date date NOT NULL,
        weight double precision NOT NULL DEFAULT 1,
        budget_minor bigint NOT NULL CONSTRAINT deliverable_budget_check CHECK (budget_minor >= 0),
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX deliverable_goal_idx ON deliverable (goal_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE deliverable`);
    await queryRunner.query(`DROP TABLE goal`);
  }
}
