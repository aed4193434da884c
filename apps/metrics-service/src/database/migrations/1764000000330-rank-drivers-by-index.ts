import { MigrationInterface, QueryRunner } from 'typeorm';

/** The indexes the score writer reads the tasks that drive a score from: its scope, what it ranks by. */
const RANKINGS: Array<[name: string, scope: string, column: string]> = [
  ['task_rm_goal_shortfall_idx', 'goal_id', 'schedule_shortfall'],
  ['task_rm_manager_shortfall_idx', 'manager_id', 'schedule_shortfall'],
  ['task_rm_org_shortfall_idx', 'org_id', 'schedule_shortfall'],
  ['task_rm_goal_overrun_idx', 'goal_id', 'cost_overrun'],
  ['task_rm_manager_overrun_idx', 'manager_id', 'cost_overrun'],
];

/**
 * The tasks that drive a score are ranked by shortfall (or overrun), then task id: with the id in
 * the index too, the top three are read off it. Without it, tasks that tie (an organisation whose
 * tasks are all equally late) were all read and sorted for every rescoring of the organisation:
 * 32 ms at 100,000 tied tasks instead of 0.04 ms.
 */
export class RankDriversByIndex1764000000330 implements MigrationInterface {
  name = 'RankDriversByIndex1764000000330';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, scope, column] of RANKINGS) {
      await queryRunner.query(`DROP INDEX ${name}`);
      await queryRunner.query(
        `CREATE INDEX ${name} ON task_rm (${scope}, ${column} DESC, task_id) WHERE ${column} > 0`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name, scope, column] of RANKINGS) {
      await queryRunner.query(`DROP INDEX ${name}`);
      await queryRunner.query(`CREATE INDEX ${name} ON task_rm (${scope}, ${column} DESC) WHERE ${column} > 0`);
    }
  }
}
