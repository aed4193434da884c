import { CommonTableExpressions } from './common-table-expressions';

describe('CommonTableExpressions', () => {
  it('numbers each part’s values after those of the parts before it', () => {
    const parts = new CommonTableExpressions();
    parts.add('tasks', `UPDATE task_rm SET progress = ${parts.param(40)} WHERE task_id = ${parts.param('t1')}`);
    parts.add('facts', `UPDATE scope_facts SET live_tasks = ${parts.param(3)}`);
    expect(parts.params).toEqual([40, 't1', 3]);
    expect(parts.statement).toBe(
      'WITH tasks AS (\n    UPDATE task_rm SET progress = $1 WHERE task_id = $2\n  ),\n  facts AS (\n    UPDATE scope_facts SET live_tasks = $3\n  ) SELECT',
    );
    expect(parts.size).toBe(2);
  });

  it('makes no statement when nothing was added', () => {
    expect(new CommonTableExpressions().statement).toBeUndefined();
  });
});
