import { MigrationInterface, QueryRunner } from 'typeorm';

/** Committed spreadsheet imports, one per organisation and file content: what makes a repeated commit a no-op. */
export class CreatePlanImports1764000000180 implements MigrationInterface {
  name = 'CreatePlanImports1764000000180';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE plan_import (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        content_sha256 char(64) NOT NULL,
        imported_by uuid NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        result jsonb,
        CONSTRAINT plan_import_org_content_key UNIQUE (org_id, content_sha256)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE plan_import`);
  }
}
