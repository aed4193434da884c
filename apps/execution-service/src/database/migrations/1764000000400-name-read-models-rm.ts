import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Local copies of another service's data are named `<thing>_rm` (read model) in every service,
 * as metrics already names them: execution's known_goal, known_key_result and known_person
 * become goal_rm, key_result_rm and person_rm, with their keys and indexes.
 */
const RENAMES: Array<[from: string, to: string, indexes: string[]]> = [
  ['known_goal', 'goal_rm', ['org_idx']],
  ['known_key_result', 'key_result_rm', ['goal_idx']],
  ['known_person', 'person_rm', ['reports_to_idx']],
];

export class NameReadModelsRm1764000000400 implements MigrationInterface {
  name = 'NameReadModelsRm1764000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [from, to, indexes] of RENAMES) await rename(queryRunner, from, to, indexes);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [from, to, indexes] of RENAMES) await rename(queryRunner, to, from, indexes);
  }
}

async function rename(queryRunner: QueryRunner, from: string, to: string, indexes: string[]): Promise<void> {
  await queryRunner.query(`ALTER TABLE ${from} RENAME TO ${to}`);
  await queryRunner.query(`ALTER TABLE ${to} RENAME CONSTRAINT ${from}_pkey TO ${to}_pkey`);
  for (const index of indexes) await queryRunner.query(`ALTER INDEX ${from}_${index} RENAME TO ${to}_${index}`);
}
