import { heatMap, heatOf } from './risk-heat-map';

describe('risk heat map', () => {
  it('grades exposure against the organisation threshold', () => {
    expect(heatOf(12, 12)).toBe('high');
    expect(heatOf(6, 12)).toBe('medium');
    expect(heatOf(5, 12)).toBe('low');
  });

  it('places each live risk in its cell, most likely row first; closed risks are off the map', () => {
    const risks = [
      { id: 'a', title: 'Supplier late', likelihood: 4, impact: 3, status: 'open' },
      { id: 'b', title: 'Strike', likelihood: 1, impact: 5, status: 'mitigated' },
      { id: 'c', title: 'Old', likelihood: 4, impact: 3, status: 'closed' },
    ];
    const grid = heatMap(risks, 12);
    expect(grid).toHaveLength(5);
    expect(grid[0][0]).toEqual({ likelihood: 5, impact: 1, heat: 'low', risks: [] });
    expect(grid[1][2]).toEqual({ likelihood: 4, impact: 3, heat: 'high', risks: [risks[0]] });
    expect(grid[4][4].risks.map((risk) => risk.id)).toEqual(['b']);
  });
});
