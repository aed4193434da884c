import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scores keep the facts they were computed from, and history gets a point whenever they move
 * (with the score or not), so a forecast and the KPIs' budgets can be answered as of any time
 * (issue 17): they are functions of the facts and the day, like the score. Points recorded
 * before this carry none.
 */
export class KeepFactsInScoreHistory1764000000360 implements MigrationInterface {
  name = 'KeepFactsInScoreHistory1764000000360';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE alignment_score_history ADD COLUMN facts jsonb`);
    await queryRunner.query(`ALTER TABLE alignment_score ADD COLUMN facts jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE alignment_score DROP COLUMN facts`);
    await queryRunner.query(`ALTER TABLE alignment_score_history DROP COLUMN facts`);
  }
}
