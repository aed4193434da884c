import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-ins under way (state, nonce and PKCE verifier until the provider sends the person back)
 * and sessions (the tokens, kept server-side; the browser's cookie holds only a random id,
 * stored here as its SHA-256 so a read of this table yields no usable cookie).
 */
export class CreateSessions1764000000500 implements MigrationInterface {
  name = 'CreateSessions1764000000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sign_in_attempt (
        id_hash char(64) PRIMARY KEY,
        state text NOT NULL,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        return_to text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE session (
        id_hash char(64) PRIMARY KEY,
        person jsonb NOT NULL,
        organisation jsonb,
        csrf_token text NOT NULL,
        access_token text NOT NULL,
        access_expires_at timestamptz NOT NULL,
        refresh_token text,
        id_token text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX session_expires_at_idx ON session (expires_at)`);
    await queryRunner.query(`CREATE INDEX sign_in_attempt_expires_at_idx ON sign_in_attempt (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE session`);
    await queryRunner.query(`DROP TABLE sign_in_attempt`);
  }
}
