import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every score change keeps the facts it was computed from, so a forecast can be answered as of
 * any time (issue 17): the forecast is a function of the facts and the day, like the score.
 * Points recorded before this carry none.
 */
export class KeepFactsInScoreHistory1764000000360 implements MigrationInterface {
  name = 'KeepFactsInScoreHistory1764000000360';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE alignment_score_history ADD COLUMN facts jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE alignment_score_history DROP COLUMN facts`);
  }
}
