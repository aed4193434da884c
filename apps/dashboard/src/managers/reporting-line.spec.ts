import { reportingLine } from './reporting-line';

describe('reporting line', () => {
  it('finds direct and indirect reports, once each, even around a cycle', () => {
    const people = [
      { id: 'coo', reportsToId: null },
      { id: 'dana', reportsToId: 'coo' },
      { id: 'mia', reportsToId: 'dana' },
      { id: 'max', reportsToId: 'dana' },
      { id: 'ola', reportsToId: 'someone-else' },
      { id: 'loop', reportsToId: 'mia' },
      { id: 'mia2', reportsToId: 'loop' },
    ];
    expect(reportingLine(people, 'dana').map((person) => person.id)).toEqual(['mia', 'max', 'loop', 'mia2']);
    expect(reportingLine(people, 'coo').map((person) => person.id)).toEqual(['dana', 'mia', 'max', 'loop', 'mia2']);
    expect(reportingLine(people, 'ola')).toEqual([]);
  });
});
