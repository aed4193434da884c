import { ALERT_KINDS } from '@throughline/contracts';
import { AlignmentSettings, effortShare, FactVector, round1, Score, ScoreBand, ScopeKind } from './alignment-formula';
import { Forecast } from './forecast.rules';
import { formatMoney } from './money';

export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertToRaise {
  kind: AlertKind;
  /** What the alert is about: the scope itself, or a risk. One alert per ongoing (kind, subject). */
  subjectId: string;
  scope: { scope: ScopeKind; id: string };
  message: string;
  details: Record<string, string | number | boolean | null>;
}

export interface AlertToClear {
  kind: AlertKind;
  subjectId: string;
}

/** What to raise and what to clear; raising an alert that is already open does nothing. */
export interface AlertDecision {
  raise: AlertToRaise[];
  clear: AlertToClear[];
}

/** One ongoing condition: at most one alert is open for it. */
export function alertKey(alert: AlertToClear): string {
  return `${alert.kind}:${alert.subjectId}`;
}

const BAND_RANK: Record<ScoreBand, number> = { on_track: 0, at_risk: 1, off_track: 2 };

/** A scope whose score changed, with what its alerts are judged on. */
export interface ScoredScope {
  ref: { scope: ScopeKind; id: string };
  name: string;
  facts: FactVector;
  score: Score;
  previousBand: ScoreBand | null;
  settings: AlignmentSettings;
  /** An open goal's forecast at completion (none for closed goals and other scopes). */
  forecast?: Forecast;
}

/**
 * A goal falling into a worse band, a goal or manager over budget, a scope above the unlinked-work limit,
 * an open goal forecast to overrun its budget or to finish after its end date (before either happens;
 * cleared when the forecast recovers or cannot be made).
 */
export function scoreAlerts({ ref, name, facts, score, previousBand, settings, forecast }: ScoredScope): AlertDecision {
  const raise: AlertToRaise[] = [];
  const cleared: AlertKind[] = [];
  const alert = (kind: AlertKind, message: string, details: AlertToRaise['details']) =>
    raise.push({ kind, subjectId: ref.id, scope: ref, message, details });
  const why = score.drivers[0] ? `: ${score.drivers[0].name} — ${score.drivers[0].detail}` : '';
  if (ref.scope === 'goal') {
    if (score.band === 'on_track') {
      cleared.push('goal_at_risk', 'goal_off_track');
    } else if (previousBand === null || BAND_RANK[score.band] > BAND_RANK[previousBand]) {
      alert(
        score.band === 'off_track' ? 'goal_off_track' : 'goal_at_risk',
        `${name} fell to ${score.score} (${score.band.replace('_', ' ')})${why}.`,
        { score: score.score, previousBand },
      );
    }
  }
  if (ref.scope === 'goal') {
    const cost = forecast?.cost;
    if (cost?.overrun && cost.estimateAtCompletion !== null && cost.varianceAtCompletion !== null) {
      alert(
        'goal_forecast_overrun',
        `${name} is forecast to cost ${formatMoney(cost.estimateAtCompletion)} at completion, ${formatMoney(-cost.varianceAtCompletion)} over its budget of ${formatMoney(cost.budget)} (CPI ${cost.costPerformanceIndex}).`,
        {
          estimateAtCompletionMinor: cost.estimateAtCompletion,
          budgetMinor: cost.budget,
          varianceAtCompletionMinor: cost.varianceAtCompletion,
          costPerformanceIndex: cost.costPerformanceIndex,
        },
      );
    } else {
      cleared.push('goal_forecast_overrun');
    }
    const schedule = forecast?.schedule;
    if (schedule?.late && schedule.projectedFinish !== null && schedule.slipDays !== null) {
      alert(
        'goal_forecast_late',
        `${name} is forecast to finish on ${schedule.projectedFinish}, ${schedule.slipDays} day(s) after its end date ${schedule.plannedEnd} (SPI ${schedule.schedulePerformanceIndex}).`,
        {
          projectedFinish: schedule.projectedFinish,
          plannedEnd: schedule.plannedEnd,
          slipDays: schedule.slipDays,
          schedulePerformanceIndex: schedule.schedulePerformanceIndex,
        },
      );
    } else {
      cleared.push('goal_forecast_late');
    }
  }
  if (ref.scope === 'goal' || ref.scope === 'manager') {
    const budget = ref.scope === 'goal' ? facts.goalBudget : facts.plannedCost;
    if (facts.actualCost > budget && (budget > 0 || facts.actualCost > 0)) {
      alert(
        'budget_overrun',
        `${name} has spent ${formatMoney(facts.actualCost)} against a budget of ${formatMoney(budget)}.`,
        { actualCostMinor: facts.actualCost, budgetMinor: budget },
      );
    } else {
      cleared.push('budget_overrun');
    }
  }
  if (ref.scope !== 'goal') {
    const share = effortShare(facts);
    if (share && share.unlinkedShare > settings.unlinkedShareAlert) {
      alert(
        'unlinked_work',
        `${round1(100 * share.unlinkedShare)}% of ${name}'s ${share.basis} went to work linked to no goal (limit ${round1(100 * settings.unlinkedShareAlert)}%).`,
        { unlinkedShare: round1(100 * share.unlinkedShare) / 100, basis: share.basis },
      );
    } else {
      cleared.push('unlinked_work');
    }
  }
  return { raise, clear: cleared.map((kind) => ({ kind, subjectId: ref.id })) };
}

export interface RiskState {
  riskId: string;
  goalId: string;
  title: string;
  goalTitle: string;
  likelihood: number;
  impact: number;
  /** Unmitigated exposure as counted (0 when mitigated, low or its goal does not count). */
  exposure: number;
}

/** A high risk without mitigation on a goal that counts is raised; otherwise its alert is cleared. */
export function riskAlert(risk: RiskState): AlertDecision {
  if (risk.exposure <= 0) return { raise: [], clear: [{ kind: 'unmitigated_risk', subjectId: risk.riskId }] };
  return {
    raise: [
      {
        kind: 'unmitigated_risk',
        subjectId: risk.riskId,
        scope: { scope: 'goal', id: risk.goalId },
        message: `High risk "${risk.title}" on "${risk.goalTitle}" (likelihood ${risk.likelihood} × impact ${risk.impact} = ${risk.exposure}) has no mitigation.`,
        details: { riskId: risk.riskId, exposure: risk.exposure },
      },
    ],
    clear: [],
  };
}
