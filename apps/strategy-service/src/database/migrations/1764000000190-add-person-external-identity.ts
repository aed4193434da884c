import { MigrationInterface, QueryRunner } from 'typeorm';

/** The identity-provider login a person signed in with (issuer and subject), linked at their first sign-in by verified e-mail. */
export class AddPersonExternalIdentity1764000000190 implements MigrationInterface {
  name = 'AddPersonExternalIdentity1764000000190';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE person ADD COLUMN external_issuer text, ADD COLUMN external_subject text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX person_external_identity_uq ON person (external_issuer, external_subject) WHERE external_subject IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX person_email_lower_idx ON person (lower(email))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX person_email_lower_idx`);
    await queryRunner.query(`DROP INDEX person_external_identity_uq`);
    await queryRunner.query(`ALTER TABLE person DROP COLUMN external_issuer, DROP COLUMN external_subject`);
  }
}
