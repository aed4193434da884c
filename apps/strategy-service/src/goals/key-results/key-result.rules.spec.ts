import { assertTargetMatchesDirection, KeyResultDirection } from './key-result.rules';

describe('key result target and direction', () => {
  const cases: Array<[number, number, KeyResultDirection, boolean]> = [
    [52, 40, 'decrease', true],
    [52, 60, 'decrease', false],
    [52, 52, 'decrease', false],
    [70, 85, 'increase', true],
    [70, 60, 'increase', false],
    [70, 70, 'increase', false],
    [-3, -1, 'increase', true],
  ];

  it.each(cases)('baseline %p, target %p, %s → accepted: %p', (baseline, target, direction, accepted) => {
    const check = () => assertTargetMatchesDirection(baseline, target, direction);
    if (accepted) expect(check).not.toThrow();
    else expect(check).toThrow(/needs a target (above|below) its baseline/);
  });
});
