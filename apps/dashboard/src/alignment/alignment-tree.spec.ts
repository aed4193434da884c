import { alignmentTree, sortByAttention } from './alignment-tree';

describe('alignment tree', () => {
  const input = {
    units: [
      { id: 'company', name: 'Acme', parentOrgUnitId: null },
      { id: 'eng', name: 'Engineering', parentOrgUnitId: 'company' },
    ],
    goals: [
      { id: 'g1', title: 'Launch X200', orgUnitId: 'company', parentGoalId: null, status: 'active' },
      { id: 'g2', title: 'Launch in the EU', orgUnitId: 'eng', parentGoalId: 'g1', status: 'active' },
      { id: 'g3', title: 'Cut cost', orgUnitId: 'eng', parentGoalId: null, status: 'draft' },
    ],
    tasks: [
      { id: 't1', title: 'Pilot run', goalId: 'g2', status: 'in_progress', dueDate: '2026-02-01' },
      { id: 't2', title: 'Tooling', goalId: 'g2', status: 'done', dueDate: '2026-01-01' },
      { id: 't3', title: 'Unlinked', goalId: null, status: 'todo', dueDate: null },
    ],
    scores: [
      { scopeId: 'g1', score: 70, band: 'at_risk' as const },
      { scopeId: 'g2', score: 63.4, band: 'at_risk' as const },
      { scopeId: 'eng', score: 80, band: 'on_track' as const },
    ],
    today: '2026-03-01',
  };

  it('nests units, their top goals, sub-goals under their parent, and tasks under their goal', () => {
    const [company] = alignmentTree(input);
    expect(company).toMatchObject({ kind: 'unit', id: 'company', score: undefined });
    expect(company.children.map((node) => node.id)).toEqual(['eng', 'g1']);
    const [eng, g1] = company.children;
    expect(eng).toMatchObject({ score: 80, band: 'on_track' });
    // g2 belongs to Engineering but sits under its parent goal, not twice.
    expect(eng.children.map((node) => node.id)).toEqual(['g3']);
    expect(g1.children.map((node) => node.id)).toEqual(['g2']);
    expect(g1.children[0].children).toEqual([
      { kind: 'task', id: 't1', name: 'Pilot run', status: 'in_progress', overdue: true, children: [] },
      { kind: 'task', id: 't2', name: 'Tooling', status: 'done', overdue: false, children: [] },
    ]);
  });

  it('puts the lowest scores first, unscored after, tasks last', () => {
    const [company] = sortByAttention(alignmentTree(input));
    expect(company.children.map((node) => node.id)).toEqual(['g1', 'eng']);
  });
});
