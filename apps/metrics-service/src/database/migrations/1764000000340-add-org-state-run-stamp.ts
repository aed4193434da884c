import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every scoring run stamps its organisation's clock row, keeping the stamp it replaces: the
 * owner's memory of an organisation is current exactly when the stamp a run replaces is the
 * one the owner's last run wrote (nothing else committed a run on it in between).
 */
export class AddOrgStateRunStamp1764000000340 implements MigrationInterface {
  name = 'AddOrgStateRunStamp1764000000340';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE org_state ADD COLUMN run_stamp uuid, ADD COLUMN previous_run_stamp uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE org_state DROP COLUMN run_stamp, DROP COLUMN previous_run_stamp`);
  }
}
