import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scores as of any date: every version of an organisation's settings is kept (a score names the
 * version it was computed under, so a period can be re-weighed under another), and history points
 * keep their drivers, so an earlier score is answered with its whole explanation. Points written
 * before this migration have no drivers (null).
 */
export class VersionSettingsAndExplainHistory1764000000320 implements MigrationInterface {
  name = 'VersionSettingsAndExplainHistory1764000000320';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE alignment_settings_version (
        org_id uuid NOT NULL,
        version integer NOT NULL,
        settings jsonb NOT NULL,
        updated_by uuid NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT alignment_settings_version_pkey PRIMARY KEY (org_id, version)
      )`,
      `INSERT INTO alignment_settings_version (org_id, version, settings, updated_by, updated_at)
       SELECT org_id, version, settings, updated_by, updated_at FROM alignment_settings`,
      `ALTER TABLE alignment_score ADD COLUMN settings_version integer NOT NULL DEFAULT 0`,
      `ALTER TABLE alignment_score_history ADD COLUMN settings_version integer NOT NULL DEFAULT 0, ADD COLUMN drivers jsonb`,
    ])
      await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE alignment_score_history DROP COLUMN drivers, DROP COLUMN settings_version`);
    await queryRunner.query(`ALTER TABLE alignment_score DROP COLUMN settings_version`);
    await queryRunner.query(`DROP TABLE alignment_settings_version`);
  }
}
