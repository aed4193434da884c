import { TASK_STATUSES, TaskStatus } from '@throughline/contracts';
import { DomainError } from '@throughline/service-kit/domain';
import { transition } from './task-state-machine';

const legal: Array<[TaskStatus, TaskStatus]> = [
  ['todo', 'in_progress'],
  ['todo', 'cancelled'],
  ['in_progress', 'blocked'],
  ['in_progress', 'done'],
  ['in_progress', 'cancelled'],
  ['blocked', 'in_progress'],
  ['blocked', 'cancelled'],
];
const illegal = TASK_STATUSES.flatMap((from) =>
  TASK_STATUSES.map((to) => [from, to] as [TaskStatus, TaskStatus]),
).filter(([from, to]) => !legal.some(([f, t]) => f === from && t === to));

describe('task state machine', () => {
  it.each(legal)('allows %s → %s (with a reason)', (from, to) => {
    expect(transition(from, to, 40, 'because').status).toBe(to);
  });

  it.each(illegal)('refuses %s → %s with a conflict', (from, to) => {
    expect.assertions(2);
    try {
      transition(from, to, 0, 'because');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).kind).toBe('conflict');
    }
  });

  it.each([['blocked'], ['cancelled']] as Array<[TaskStatus]>)('needs a reason to move to %s', (to) => {
    expect(() => transition('in_progress', to, 10, '  ')).toThrow(/needs a reason/);
    expect(() => transition('in_progress', to, 10, null)).toThrow(/needs a reason/);
  });

  it('sets progress to 100 when done and keeps it otherwise', () => {
    expect(transition('in_progress', 'done', 70).progress).toBe(100);
    expect(transition('todo', 'in_progress', 0).progress).toBe(0);
    expect(transition('in_progress', 'blocked', 35, 'waiting for parts').progress).toBe(35);
  });
});
