import { useQuery } from '@tanstack/react-query';
import { metrics } from '@throughline/api-client';
import { Link } from 'react-router';
import { metricsApi, unwrap } from '../api/clients';
import { goalsQuery, organisationScoreQuery, scoresQuery } from '../api/queries';
import { dailyScoreHistoryQuery } from '../history/daily-score-history';
import { presetRange } from '../history/range';
import { useSession } from '../session/session';
import { DayLineChart } from '../ui/charts';
import { formatDateTime, formatMoney, formatRatio, formatScore } from '../ui/format';
import { Card, EmptyState, ErrorState, Figure, Loading, PageHeader, ScoreBadge } from '../ui/primitives';
import { ScoreExplanation } from '../ui/score-explanation';
import { ScoreSince } from '../history/score-since';

export default function OverviewPage() {
  const { organisation } = useSession();
  const score = useQuery(organisationScoreQuery());
  return (
    <>
      <PageHeader
        title={organisation ? `${organisation.name}: alignment` : 'Organisation alignment'}
        subtitle="How well the work under way serves the strategy, and why."
        actions={
          <Link className="button" to="/goals/new">
            New goal
          </Link>
        }
      />
      <div className="grid grid-2">
        <Card title="Alignment score">
          {score.isPending ? (
            <Loading what="the organisation's score" />
          ) : score.isError ? (
            <ErrorState error={score.error} what="the organisation's score" />
          ) : (
            <>
              <p data-testid="organisation-score">
                <ScoreBadge score={score.data.score} band={score.data.band} size="large" />
              </p>
              <p className="meta">
                As of {score.data.asOf}; last changed {formatDateTime(score.data.computedAt)}.
              </p>
              <ScoreTrend />
            </>
          )}
        </Card>
        <DirectorKpis />
        {score.data && (
          <Card title="Why this score" id="explanation">
            <ScoreExplanation score={score.data} />
            <ScoreSince scope="organisation" />
          </Card>
        )}
        <OpenAlerts />
        <GoalsNeedingAttention />
      </div>
    </>
  );
}

function ScoreTrend() {
  const history = useQuery(dailyScoreHistoryQuery('organisation', presetRange('90d', new Date())));
  if (history.isPending) return <Loading what="the trend" />;
  if (history.isError) return <ErrorState error={history.error} what="the trend" />;
  const days = history.data;
  if (days.length < 2)
    return (
      <p className="meta">
        {days.length === 0
          ? 'The trend shows once the score has changed.'
          : `Scores are recorded from ${formatDateTime(days[0].at)}; the trend shows once there are two days of them.`}
      </p>
    );
  const data = days.map((point) => ({ day: point.day, score: point.score }));
  const first = days[0].score;
  const last = days.at(-1)!.score;
  return (
    <>
      <h3>Trend, last 90 days</h3>
      <DayLineChart
        data={data}
        series={[{ key: 'score', label: 'Alignment score', colour: '#1f4fbf' }]}
        domain={[0, 100]}
        description={`Organisation score over the last 90 days, from ${formatScore(first)} to ${formatScore(last)}.`}
      />
    </>
  );
}

function DirectorKpis() {
  const kpis = useQuery({
    queryKey: ['metrics', 'kpis', 'organisation'],
    queryFn: () => unwrap(metrics.kpisOrganisation({ client: metricsApi })),
  });
  const currency = useGoalCurrency();
  return (
    <Card title="Director KPIs, last 30 days">
      {kpis.isPending ? (
        <Loading what="the KPIs" />
      ) : kpis.isError ? (
        <ErrorState error={kpis.error} what="the KPIs" />
      ) : (
        <dl className="figures">
          <Figure
            label="Alignment of operations"
            value={formatRatio(kpis.data.linkedEffortShare)}
            note="share of effort on work linked to goals"
          />
          <Figure
            label="Budget consumption"
            value={formatRatio(kpis.data.budgetConsumption)}
            note={`${formatMoney(kpis.data.spentMinor, currency)} of ${formatMoney(kpis.data.goalBudgetMinor, currency)}`}
          />
          <Figure
            label="Goal attainment"
            value={formatRatio(kpis.data.goalAttainmentRate)}
            note={`${kpis.data.goalsAchieved} achieved, ${kpis.data.goalsMissed} missed`}
          />
          <Figure
            label="Risk management"
            value={formatRatio(kpis.data.riskManagementEffectiveness)}
            note={`${kpis.data.risksMitigated} mitigated, ${kpis.data.risksMaterialised} materialised`}
          />
          <Figure
            label="Key results"
            value={formatScore(kpis.data.keyResultAttainment)}
            note="of where they should be"
          />
          <Figure label="Tasks completed" value={kpis.data.throughput} />
        </dl>
      )}
    </Card>
  );
}

/** Organisation-wide money is in the currency of the goals' budgets (they share the organisation's). */
function useGoalCurrency(): string {
  const goals = useQuery(goalsQuery());
  return goals.data?.[0]?.budget.currency ?? 'EUR';
}

const ALERT_LABEL: Record<metrics.AlertView['kind'], string> = {
  goal_at_risk: 'Goal at risk',
  goal_off_track: 'Goal off track',
  budget_overrun: 'Budget overrun',
  unlinked_work: 'Unlinked work',
  unmitigated_risk: 'Unmitigated risk',
  goal_forecast_overrun: 'Forecast over budget',
  goal_forecast_late: 'Forecast late',
};

function OpenAlerts() {
  const alerts = useQuery({
    queryKey: ['metrics', 'alerts'],
    queryFn: async () => (await unwrap(metrics.alertsList({ client: metricsApi }))).items,
  });
  return (
    <Card title="Open alerts">
      {alerts.isPending ? (
        <Loading what="the alerts" />
      ) : alerts.isError ? (
        <ErrorState error={alerts.error} what="the alerts" />
      ) : alerts.data.length === 0 ? (
        <EmptyState title="No open alerts.">Nothing has crossed a threshold.</EmptyState>
      ) : (
        <ul className="alerts">
          {alerts.data.map((alert) => (
            <li key={alert.alertId}>
              <strong>{ALERT_LABEL[alert.kind]}</strong>:{' '}
              {alert.scope === 'goal' ? <Link to={`/goals/${alert.scopeId}`}>{alert.message}</Link> : alert.message}{' '}
              <span className="meta">({formatDateTime(alert.raisedAt)})</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function GoalsNeedingAttention() {
  const goals = useQuery(scoresQuery('goals'));
  return (
    <Card title="Goals, lowest score first">
      {goals.isPending ? (
        <Loading what="the goals" />
      ) : goals.isError ? (
        <ErrorState error={goals.error} what="the goals" />
      ) : goals.data.length === 0 ? (
        <EmptyState title="No goals are scored yet.">
          <Link to="/goals/new">Create a goal</Link> and activate it; its score appears here.
        </EmptyState>
      ) : (
        <ol className="goal-scores">
          {goals.data.slice(0, 8).map((goal) => (
            <li key={goal.scopeId}>
              <Link to={`/goals/${goal.scopeId}`}>{goal.name}</Link> <ScoreBadge score={goal.score} band={goal.band} />
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
