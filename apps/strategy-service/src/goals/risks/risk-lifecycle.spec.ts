import { DomainError } from '@throughline/service-kit/domain';
import {
  assertMitigationStated,
  assertRiskTransition,
  RISK_STATUSES,
  RiskStatus,
  riskSeverity,
} from './risk-lifecycle';

const legal: Array<[RiskStatus, RiskStatus]> = [
  ['open', 'mitigated'],
  ['open', 'materialised'],
  ['open', 'closed'],
  ['mitigated', 'open'],
  ['mitigated', 'materialised'],
  ['mitigated', 'closed'],
  ['materialised', 'closed'],
];

describe('risk lifecycle', () => {
  it.each(legal)('allows %s → %s', (from, to) => {
    expect(() => assertRiskTransition(from, to)).not.toThrow();
  });

  it.each(RISK_STATUSES.map((status) => [status]))('keeping status %s is no transition', (status) => {
    expect(() => assertRiskTransition(status, status)).not.toThrow();
  });

  const illegal = RISK_STATUSES.flatMap((from) =>
    RISK_STATUSES.map((to) => [from, to] as [RiskStatus, RiskStatus]),
  ).filter(([from, to]) => from !== to && !legal.some(([f, t]) => f === from && t === to));

  it.each(illegal)('refuses %s → %s as a conflict', (from, to) => {
    expect(() => assertRiskTransition(from, to)).toThrow(DomainError);
    expect(() => assertRiskTransition(from, to)).toThrow(new RegExp(`${from} risk cannot become ${to}`));
  });

  it.each([
    ['mitigated', null, false],
    ['mitigated', '  ', false],
    ['mitigated', 'Second supplier qualified', true],
    ['open', null, true],
  ] as Array<[RiskStatus, string | null, boolean]>)(
    'status %s with mitigation %p → accepted: %p',
    (status, mitigation, accepted) => {
      if (accepted) expect(() => assertMitigationStated(status, mitigation)).not.toThrow();
      else expect(() => assertMitigationStated(status, mitigation)).toThrow(/needs its mitigation/);
    },
  );

  it.each([
    [1, 1, 1],
    [3, 4, 12],
    [5, 5, 25],
  ])('severity of likelihood %i and impact %i is %i', (likelihood, impact, severity) => {
    expect(riskSeverity(likelihood, impact)).toBe(severity);
  });
});
