import { PersonLine, ReportingLines, UnitLine } from './reporting-lines';

/**
 * company ─┬─ engineering ── quality
 *          └─ sales
 * ceo ← coo ← dana ← mia, max;  ceo ← sam (sales director)
 */
const units: UnitLine[] = [
  { orgUnitId: 'company', parentOrgUnitId: null },
  { orgUnitId: 'engineering', parentOrgUnitId: 'company' },
  { orgUnitId: 'quality', parentOrgUnitId: 'engineering' },
  { orgUnitId: 'sales', parentOrgUnitId: 'company' },
];
const people: PersonLine[] = [
  { personId: 'ceo', reportsToId: null, orgUnitId: 'company' },
  { personId: 'coo', reportsToId: 'ceo', orgUnitId: 'company' },
  { personId: 'dana', reportsToId: 'coo', orgUnitId: 'engineering' },
  { personId: 'mia', reportsToId: 'dana', orgUnitId: 'quality' },
  { personId: 'max', reportsToId: 'dana', orgUnitId: 'engineering' },
  { personId: 'sam', reportsToId: 'ceo', orgUnitId: 'sales' },
  { personId: 'nobody', reportsToId: null, orgUnitId: null },
];
const lines = new ReportingLines(people, units);

describe('ReportingLines', () => {
  it.each([
    ['mia', 'dana', true],
    ['mia', 'coo', true],
    ['mia', 'ceo', true],
    ['dana', 'dana', true],
    ['dana', 'mia', false],
    ['sam', 'coo', false],
    ['max', 'sam', false],
    ['nobody', 'ceo', false],
    ['unknown', 'ceo', false],
  ])('%s is in the reporting subtree of %s: %s', (person, leader, expected) => {
    expect(lines.isInReportingSubtree(person, leader)).toBe(expected);
    expect(lines.reportingSubtree(leader).has(person)).toBe(expected);
  });

  it.each([
    ['quality', 'engineering', true],
    ['quality', 'company', true],
    ['engineering', 'engineering', true],
    ['engineering', 'quality', false],
    ['sales', 'engineering', false],
    ['unknown', 'company', false],
  ])('unit %s is within %s: %s', (unit, root, expected) => {
    expect(lines.isUnitWithin(unit, root)).toBe(expected);
    expect(lines.unitSubtree(root).has(unit)).toBe(expected);
  });

  it.each([
    ['quality', ['quality', 'engineering', 'company']],
    ['company', ['company']],
    ['unknown', ['unknown']],
  ])('the units above %s are %j', (unit, expected) => {
    expect(lines.unitsAbove(unit)).toEqual(expected);
  });

  it.each([
    ['mia', 'quality'],
    ['nobody', null],
    ['unknown', null],
  ])('%s sits in unit %s', (person, unit) => {
    expect(lines.unitOf(person)).toBe(unit);
  });

  it('terminates on cycles in the data', () => {
    const looped = new ReportingLines(
      [
        { personId: 'a', reportsToId: 'b', orgUnitId: 'x' },
        { personId: 'b', reportsToId: 'a', orgUnitId: 'y' },
      ],
      [
        { orgUnitId: 'x', parentOrgUnitId: 'y' },
        { orgUnitId: 'y', parentOrgUnitId: 'x' },
      ],
    );
    expect([...looped.reportingSubtree('a')].sort()).toEqual(['a', 'b']);
    expect(looped.isInReportingSubtree('a', 'c')).toBe(false);
    expect(looped.unitsAbove('x')).toEqual(['x', 'y']);
    expect([...looped.unitSubtree('y')].sort()).toEqual(['x', 'y']);
  });
});
