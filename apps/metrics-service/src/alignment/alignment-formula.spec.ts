import { band, scoreGoal, TaskFacts } from './alignment-formula';

const task = (taskId: string, status: TaskFacts['status'], progress: number, weight = 1): TaskFacts => ({ taskId, status, progress, weight });

describe('alignment formula (delivery)', () => {
  it.each([
    ['no tasks', [], 0, 'off_track'],
    ['all cancelled', [task('a', 'cancelled', 50)], 0, 'off_track'],
    ['one task done', [task('a', 'done', 100)], 100, 'on_track'],
    ['weighted progress', [task('a', 'done', 100, 3), task('b', 'in_progress', 0, 1)], 75, 'on_track'],
    ['cancelled work does not count', [task('a', 'in_progress', 50, 1), task('b', 'cancelled', 0, 5)], 50, 'at_risk'],
    ['rounds to a tenth', [task('a', 'in_progress', 10, 1), task('b', 'todo', 0, 2)], 3.3, 'off_track'],
  ] as Array<[string, TaskFacts[], number, string]>)('%s → %d (%s)', (_, tasks, score, expectedBand) => {
    const result = scoreGoal(tasks);
    expect(result.score).toBe(score);
    expect(result.band).toBe(expectedBand);
    expect(result.components).toEqual([{ name: 'delivery', value: score, weight: 1, contribution: score }]);
  });

  it('names the tasks that moved the score most, largest first', () => {
    const result = scoreGoal([task('small', 'in_progress', 10), task('big', 'done', 100, 2), task('none', 'todo', 0)]);
    expect(result.drivers.map((driver) => driver.id)).toEqual(['big', 'small', 'none']);
  });

  it('bands at the thresholds', () => {
    expect([band(70), band(69.9), band(40), band(39.9)]).toEqual(['on_track', 'at_risk', 'at_risk', 'off_track']);
  });
});
