import { DomainError } from '@throughline/service-kit/domain';
import {
  assertContributionsHold,
  assertNoContributionCycle,
  Contributions,
  contributionTargets,
} from './contribution.rules';

const GOAL = 'g';
const errorOf = (check: () => void) => {
  try {
    check();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('no error');
};

describe('contribution rules', () => {
  it.each<[string, string | null, Contributions]>([
    ['the default (empty)', 'p', { contributesTo: [], supports: [] }],
    [
      'a split that includes the parent',
      'p',
      {
        contributesTo: [
          { goalId: 'p', weightPercent: 60 },
          { goalId: 'q', weightPercent: 40 },
        ],
        supports: ['s'],
      },
    ],
    ['all of it to the parent, named', 'p', { contributesTo: [{ goalId: 'p', weightPercent: 100 }], supports: [] }],
    [
      'a root goal contributing to two',
      null,
      {
        contributesTo: [
          { goalId: 'p', weightPercent: 50 },
          { goalId: 'q', weightPercent: 50 },
        ],
        supports: [],
      },
    ],
    ['support only', 'p', { contributesTo: [], supports: ['s', 't'] }],
  ])('accepts %s', (_, parentGoalId, input) => {
    expect(() => assertContributionsHold({ id: GOAL, parentGoalId }, input)).not.toThrow();
  });

  it.each<[string, string | null, Contributions, Array<{ field: string; message: RegExp }>]>([
    [
      'weights below 100',
      'p',
      {
        contributesTo: [
          { goalId: 'p', weightPercent: 60 },
          { goalId: 'q', weightPercent: 30 },
        ],
        supports: [],
      },
      [{ field: 'contributesTo', message: /sum to 100 \(they sum to 90\)/ }],
    ],
    [
      'weights above 100',
      null,
      {
        contributesTo: [
          { goalId: 'p', weightPercent: 70 },
          { goalId: 'q', weightPercent: 40 },
        ],
        supports: [],
      },
      [{ field: 'contributesTo', message: /they sum to 110/ }],
    ],
    [
      'the parent left out',
      'p',
      { contributesTo: [{ goalId: 'q', weightPercent: 100 }], supports: [] },
      [{ field: 'contributesTo', message: /must include the parent goal p/ }],
    ],
    [
      'the goal itself',
      null,
      { contributesTo: [{ goalId: GOAL, weightPercent: 100 }], supports: [] },
      [{ field: 'contributesTo.0.goalId', message: /the goal itself/ }],
    ],
    [
      'a goal named twice',
      null,
      {
        contributesTo: [
          { goalId: 'p', weightPercent: 50 },
          { goalId: 'p', weightPercent: 50 },
        ],
        supports: [],
      },
      [{ field: 'contributesTo.1.goalId', message: /already named/ }],
    ],
    [
      'supporting a goal it contributes to',
      'p',
      { contributesTo: [{ goalId: 'p', weightPercent: 100 }], supports: ['p'] },
      [{ field: 'supports.0', message: /already named/ }],
    ],
  ])('refuses %s, naming the field', (_, parentGoalId, input, problems) => {
    const error = errorOf(() => assertContributionsHold({ id: GOAL, parentGoalId }, input));
    expect(error.kind).toBe('invalid');
    expect(error.fields).toEqual(
      problems.map(({ field, message }) => ({ field, message: expect.stringMatching(message) })),
    );
  });

  it('refuses a target that is the goal or lies below it, naming each one at fault', () => {
    const input: Contributions = {
      contributesTo: [
        { goalId: 'p', weightPercent: 50 },
        { goalId: 'child', weightPercent: 50 },
      ],
      supports: ['grandchild'],
    };
    const above = new Map([
      ['p', new Set(['p', 'root'])],
      ['child', new Set(['child', GOAL, 'p', 'root'])],
      ['grandchild', new Set(['grandchild', 'child', GOAL, 'p', 'root'])],
    ]);
    const error = errorOf(() => assertNoContributionCycle(GOAL, contributionTargets(input), above));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/Goal child is already below this goal/);
    expect(error.fields.map((problem) => problem.field)).toEqual(['contributesTo.1.goalId', 'supports.0']);
    expect(() =>
      assertNoContributionCycle(
        GOAL,
        contributionTargets({ contributesTo: [{ goalId: 'p', weightPercent: 100 }], supports: [] }),
        above,
      ),
    ).not.toThrow();
  });
});
