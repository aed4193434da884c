import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, their org unit tree and their people with role and reporting line. */
export class CreateOrganisation1764000000110 implements MigrationInterface {
  name = 'CreateOrganisation1764000000110';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organisation (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE org_unit (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL CONSTRAINT org_unit_organisation_fk REFERENCES organisation (id),
        name text NOT NULL,
        parent_org_unit_id uuid CONSTRAINT org_unit_parent_fk REFERENCES org_unit (id),
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT org_unit_not_own_parent_check CHECK (parent_org_unit_id IS DISTINCT FROM id)
      )`);
    await queryRunner.query(`CREATE INDEX org_unit_org_parent_idx ON org_unit (org_id, parent_org_unit_id)`);
    await queryRunner.query(`
      CREATE TABLE person (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL CONSTRAINT person_organisation_fk REFERENCES organisation (id),
        name text NOT NULL,
        email text NOT NULL,
        role text NOT NULL CONSTRAINT person_role_check CHECK (role IN ('director', 'manager', 'integrator', 'admin')),
        org_unit_id uuid CONSTRAINT person_org_unit_fk REFERENCES org_unit (id),
        reports_to_id uuid CONSTRAINT person_reports_to_fk REFERENCES person (id),
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT person_not_own_manager_check CHECK (reports_to_id IS DISTINCT FROM id)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX person_org_email_uq ON person (org_id, lower(email))`);
    await queryRunner.query(`CREATE INDEX person_org_role_idx ON person (org_id, role)`);
    await queryRunner.query(`CREATE INDEX person_reports_to_idx ON person (reports_to_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE person`);
    await queryRunner.query(`DROP TABLE org_unit`);
    await queryRunner.query(`DROP TABLE organisation`);
  }
}
