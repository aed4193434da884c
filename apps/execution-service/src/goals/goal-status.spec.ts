import { isClosedGoalStatus, mergeGoalStatus } from './goal-status';

describe('goal status as execution keeps it', () => {
  it.each([
    ['unknown', 'draft', 'draft'],
    ['unknown', 'active', 'active'],
    ['unknown', 'abandoned', 'abandoned'],
    ['draft', 'active', 'active'],
    ['active', 'draft', 'active'],
    ['active', 'achieved', 'achieved'],
    ['achieved', 'active', 'achieved'],
    ['missed', 'draft', 'missed'],
    ['abandoned', 'achieved', 'abandoned'],
    ['active', 'unknown', 'active'],
  ])('%s + %s → %s', (current, incoming, expected) => {
    expect(mergeGoalStatus(current, incoming)).toBe(expected);
  });

  it.each([
    ['achieved', true],
    ['missed', true],
    ['abandoned', true],
    ['active', false],
    ['draft', false],
    ['unknown', false],
  ])('%s is closed: %s', (status, closed) => {
    expect(isClosedGoalStatus(status as string)).toBe(closed);
  });
});
