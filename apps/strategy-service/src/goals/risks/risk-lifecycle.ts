import { RISK_STATUSES } from '@throughline/contracts';
import { conflict, invalid } from '@throughline/service-kit/domain';

export { RISK_STATUSES };
export type RiskStatus = (typeof RISK_STATUSES)[number];

/**
 * open ↔ mitigated; open | mitigated → materialised (it happened); any → closed (no longer relevant).
 * A materialised risk cannot be un-happened, only closed; closed is final.
 */
const NEXT: Record<RiskStatus, readonly RiskStatus[]> = {
  open: ['mitigated', 'materialised', 'closed'],
  mitigated: ['open', 'materialised', 'closed'],
  materialised: ['closed'],
  closed: [],
};

export function assertRiskTransition(from: RiskStatus, to: RiskStatus): void {
  if (from === to || NEXT[from].includes(to)) return;
  const allowed = NEXT[from].length ? `an ${from} risk can become: ${NEXT[from].join(', ')}` : `${from} is final`;
  throw conflict(`A ${from} risk cannot become ${to} (${allowed}).`);
}

/** Calling a risk mitigated means saying how. */
export function assertMitigationStated(status: RiskStatus, mitigation: string | null): void {
  if (status === 'mitigated' && !mitigation?.trim()) {
    throw invalid('A mitigated risk needs its mitigation: say what was done.', [
      { field: 'mitigation', message: 'is required when status is mitigated' },
    ]);
  }
}

/** Likelihood × impact, 1–25: what the metrics' risk component weighs. */
export function riskSeverity(likelihood: number, impact: number): number {
  return likelihood * impact;
}
