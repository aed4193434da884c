import { ReportingLines, Role } from '@throughline/service-kit';
import { DomainError } from '@throughline/service-kit/domain';
import {
  assertMayChangeGoal,
  assertMayDirectUnit,
  assertRole,
  GoalAccess,
  goalAccess,
  GoalFacts,
  mayDirectUnit,
} from './access.rules';

/**
 * company ── engineering ── quality;  company ── sales
 * coo (company) ← dana (engineering) ← mia, max (managers);  coo ← sam (sales director)
 */
const lines = new ReportingLines(
  [
    { personId: 'coo', reportsToId: null, orgUnitId: 'company' },
    { personId: 'dana', reportsToId: 'coo', orgUnitId: 'engineering' },
    { personId: 'mia', reportsToId: 'dana', orgUnitId: 'engineering' },
    { personId: 'max', reportsToId: 'dana', orgUnitId: 'engineering' },
    { personId: 'sam', reportsToId: 'coo', orgUnitId: 'sales' },
    { personId: 'drifter', reportsToId: null, orgUnitId: null },
  ],
  [
    { orgUnitId: 'company', parentOrgUnitId: null },
    { orgUnitId: 'engineering', parentOrgUnitId: 'company' },
    { orgUnitId: 'quality', parentOrgUnitId: 'engineering' },
    { orgUnitId: 'sales', parentOrgUnitId: 'company' },
  ],
);
const companyGoal: GoalFacts = { orgUnitId: 'company', ownerId: 'coo', deliverableManagerIds: [] };
const engineeringGoal: GoalFacts = { orgUnitId: 'engineering', ownerId: 'dana', deliverableManagerIds: ['mia'] };
const qualityGoal: GoalFacts = { orgUnitId: 'quality', ownerId: 'coo', deliverableManagerIds: [] };
const salesGoal: GoalFacts = { orgUnitId: 'sales', ownerId: 'sam', deliverableManagerIds: [] };
const salesGoalWithMax: GoalFacts = { orgUnitId: 'sales', ownerId: 'sam', deliverableManagerIds: ['max'] };

describe('goal access by role and reporting line', () => {
  it.each<[string, Role, GoalFacts, string, GoalAccess]>([
    ['coo', 'director', companyGoal, 'company goal', 'change'],
    ['coo', 'director', salesGoal, 'sales goal (a unit below)', 'change'],
    ['dana', 'director', companyGoal, 'company goal (the strategy above)', 'read'],
    ['dana', 'director', engineeringGoal, 'her own unit', 'change'],
    ['dana', 'director', qualityGoal, 'a unit below hers, owned by her boss', 'change'],
    ['dana', 'director', salesGoal, 'a sibling unit', 'none'],
    ['dana', 'director', salesGoalWithMax, 'a sibling unit with work of her report', 'read'],
    ['sam', 'director', engineeringGoal, 'a sibling unit', 'none'],
    ['drifter', 'director', companyGoal, 'no unit, no reports', 'none'],
    ['drifter', 'director', { ...salesGoal, ownerId: 'drifter' }, 'a goal they own', 'change'],
    ['mia', 'manager', engineeringGoal, 'a goal with her deliverable', 'read'],
    ['max', 'manager', engineeringGoal, 'a goal without his deliverable', 'none'],
    ['max', 'manager', salesGoalWithMax, 'a goal with his deliverable', 'read'],
    ['any', 'integrator', salesGoal, 'any goal', 'read'],
    ['any', 'admin', engineeringGoal, 'any goal', 'read'],
  ])('%s (%s) on the %s → %s', (personId, role, goal, _what, expected) => {
    expect(goalAccess({ personId, role }, lines, goal)).toBe(expected);
  });

  it.each<[string, Role, string, boolean]>([
    ['dana', 'director', 'engineering', true],
    ['dana', 'director', 'quality', true],
    ['dana', 'director', 'company', false],
    ['dana', 'director', 'sales', false],
    ['coo', 'director', 'quality', true],
    ['mia', 'manager', 'engineering', false],
    ['drifter', 'director', 'company', false],
  ])('%s (%s) may direct unit %s: %s', (personId, role, unit, expected) => {
    expect(mayDirectUnit({ personId, role }, lines, unit)).toBe(expected);
  });

  /** The kind of DomainError a check throws, or null when it lets the caller through. */
  const refusal = (check: () => void) => {
    try {
      check();
      return null;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return `${error.kind}: ${error.message}`;
    }
  };

  it('asks for a role by name, and says which role the token has', () => {
    expect(refusal(() => assertRole({ role: 'director' }, ['director'], 'import plans'))).toBeNull();
    expect(refusal(() => assertRole({ role: 'manager' }, ['director', 'admin'], 'import plans'))).toBe(
      'forbidden: Only director or admin may import plans; your token has role manager.',
    );
  });

  it.each<[string, Role, string, string | null]>([
    ['dana', 'director', 'quality', null],
    ['dana', 'director', 'sales', 'forbidden: Org unit sales is not your unit'],
    ['mia', 'manager', 'engineering', 'forbidden: Only director may create and change goals'],
  ])('%s (%s) directing unit %s is refused with: %s', (personId, role, unit, expected) => {
    const refused = refusal(() => assertMayDirectUnit({ personId, role }, lines, unit));
    if (expected === null) expect(refused).toBeNull();
    else expect(refused).toContain(expected);
  });

  it.each<[Role, GoalAccess, string | null]>([
    ['director', 'change', null],
    ['director', 'read', 'forbidden: Goal g belongs to a unit outside yours'],
    ['manager', 'read', 'forbidden: Only directors change goals'],
    ['director', 'none', 'not_found: Goal g does not exist'],
  ])('a %s with %s access changing a goal is refused with: %s', (role, access, expected) => {
    const refused = refusal(() => assertMayChangeGoal({ role }, access, 'g'));
    if (expected === null) expect(refused).toBeNull();
    else expect(refused).toContain(expected);
  });
});
