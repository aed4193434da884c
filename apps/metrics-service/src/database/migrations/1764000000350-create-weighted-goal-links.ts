import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Weighted contributions (issue 17): a goal that names the goals it contributes to rolls up
 * through its links instead of its parent, each link carrying the share of the goal's facts it
 * added to its target's chain, so a change applies only the difference.
 */
export class CreateWeightedGoalLinks1764000000350 implements MigrationInterface {
  name = 'CreateWeightedGoalLinks1764000000350';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE goal_rm ADD COLUMN rolls_up_by_links boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`
      CREATE TABLE goal_link_rm (
        child_goal_id uuid NOT NULL,
        parent_goal_id uuid NOT NULL,
        org_id uuid NOT NULL,
        weight_percent integer NOT NULL,
        applied jsonb NOT NULL,
        CONSTRAINT goal_link_rm_pkey PRIMARY KEY (child_goal_id, parent_goal_id)
      )`);
    await queryRunner.query(`CREATE INDEX goal_link_rm_org_idx ON goal_link_rm (org_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE goal_link_rm`);
    await queryRunner.query(`ALTER TABLE goal_rm DROP COLUMN rolls_up_by_links`);
  }
}
