import { RiskView } from './dto/risk.dto';
import { riskSeverity } from './risk-lifecycle';
import { Risk } from './risk.entity';

export function riskView(risk: Risk): RiskView {
  const { id, goalId, title, likelihood, impact, ownerId, mitigation, status, version } = risk;
  return {
    id,
    goalId,
    title,
    likelihood,
    impact,
    severity: riskSeverity(likelihood, impact),
    ownerId,
    mitigation,
    status,
    version,
  };
}
