import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The goals a goal contributes to with a weight, or merely supports (issue 17's contribution
 * graph). A goal without rows rolls up wholly into its parent, as before.
 */
export class CreateGoalContributions1764000000250 implements MigrationInterface {
  name = 'CreateGoalContributions1764000000250';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE goal_contribution (
        goal_id uuid NOT NULL CONSTRAINT goal_contribution_goal_fk REFERENCES goal (id) ON DELETE CASCADE,
        to_goal_id uuid NOT NULL CONSTRAINT goal_contribution_to_goal_fk REFERENCES goal (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        kind text NOT NULL CONSTRAINT goal_contribution_kind_check CHECK (kind IN ('contributes', 'supports')),
        weight_percent integer CONSTRAINT goal_contribution_weight_check CHECK (
          (kind = 'contributes' AND weight_percent BETWEEN 1 AND 100) OR (kind = 'supports' AND weight_percent IS NULL)),
        position integer NOT NULL,
        CONSTRAINT goal_contribution_pkey PRIMARY KEY (goal_id, to_goal_id)
      )`);
    await queryRunner.query(`CREATE INDEX goal_contribution_to_goal_idx ON goal_contribution (to_goal_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE goal_contribution`);
  }
}
