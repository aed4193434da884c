import { useQuery } from '@tanstack/react-query';
import { metrics } from '@throughline/api-client';
import { useState } from 'react';
import { metricsApi, unwrap } from '../api/clients';
import { DayLineChart } from '../ui/charts';
import { formatRatio, formatScore } from '../ui/format';
import { Card, EmptyState, ErrorState, Loading, PageHeader } from '../ui/primitives';
import { dailyScoreHistoryQuery } from './daily-score-history';
import {
  addDays,
  customRange,
  intervalFor,
  presetRange,
  RANGE_PRESETS,
  type DayRange,
  type RangePreset,
} from './range';

/** The organisation's score and director KPIs over a chosen period. */
export default function HistoryPage() {
  const [range, setRange] = useState<DayRange>(() => presetRange('90d', new Date()));
  return (
    <>
      <PageHeader title="History" subtitle="How the organisation's alignment and KPIs moved over a period." />
      <RangePicker range={range} onChange={setRange} />
      <div className="grid">
        <ScoreHistory range={range} />
        <KpiHistory range={range} />
      </div>
    </>
  );
}

function RangePicker({ range, onChange }: { range: DayRange; onChange: (range: DayRange) => void }) {
  const [error, setError] = useState<{ field: 'from' | 'to'; message: string }>();
  return (
    <div className="card filters">
      <div className="field">
        <label htmlFor="range-preset">Period</label>
        <select
          id="range-preset"
          defaultValue="90d"
          onChange={(event) =>
            event.target.value && onChange(presetRange(event.target.value as RangePreset, new Date()))
          }
        >
          {RANGE_PRESETS.map((preset) => (
            <option key={preset.value} value={preset.value}>
              {preset.label}
            </option>
          ))}
        </select>
      </div>
      <form
        className="form-inline"
        aria-label="A period of your own"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const chosen = customRange(String(form.get('from') ?? ''), String(form.get('to') ?? ''));
          if ('field' in chosen) setError(chosen);
          else {
            setError(undefined);
            onChange(chosen);
          }
        }}
      >
        {(['from', 'to'] as const).map((name) => (
          <div
            key={`${name}-${range.from}-${range.to}`}
            className={`field${error?.field === name ? ' field-invalid' : ''}`}
          >
            <label htmlFor={`range-${name}`}>{name === 'from' ? 'From' : 'To (included)'}</label>
            <input
              id={`range-${name}`}
              name={name}
              type="date"
              defaultValue={name === 'from' ? range.from : addDays(range.to, -1)}
              aria-invalid={error?.field === name}
              aria-describedby={error?.field === name ? 'range-error' : undefined}
            />
            {error?.field === name && (
              <span className="field-error" id="range-error">
                {error.message}
              </span>
            )}
          </div>
        ))}
        <div>
          <button type="submit">Show</button>
        </div>
      </form>
    </div>
  );
}

function ScoreHistory({ range }: { range: DayRange }) {
  const history = useQuery(dailyScoreHistoryQuery('organisation', range));
  return (
    <Card title="Alignment score">
      {history.isPending ? (
        <Loading what="the score history" />
      ) : history.isError ? (
        <ErrorState error={history.error} what="the score history" />
      ) : history.data.length === 0 ? (
        <EmptyState title="The score did not change in this period." />
      ) : (
        <DayLineChart
          data={history.data.map((point) => ({
            day: point.day,
            score: point.score,
            ...Object.fromEntries(point.components.map((component) => [component.name, component.value])),
          }))}
          series={[
            { key: 'score', label: 'Score', colour: '#1d2430' },
            { key: 'schedule', label: 'Schedule', colour: '#1f4fbf', dashed: true },
            { key: 'cost', label: 'Cost', colour: '#b3261e', dashed: true },
            { key: 'outcomes', label: 'Outcomes', colour: '#1b6e3a', dashed: true },
            { key: 'focus', label: 'Focus', colour: '#7a3fb0', dashed: true },
            { key: 'risk', label: 'Risk', colour: '#8a5a00', dashed: true },
          ]}
          domain={[0, 100]}
          description={`The organisation's score and its components from ${range.from}, one point for each of ${history.data.length} days with changes, ending at ${formatScore(
            history.data.at(-1)!.score,
          )}.`}
        />
      )}
    </Card>
  );
}

function KpiHistory({ range }: { range: DayRange }) {
  const interval = intervalFor(range);
  const history = useQuery({
    queryKey: ['metrics', 'kpis', 'organisation', 'history', range, interval],
    queryFn: () =>
      unwrap(
        metrics.kpisOrganisationHistory({ client: metricsApi, query: { from: range.from, to: range.to, interval } }),
      ),
  });
  return (
    <Card title={`Director KPIs by ${interval}`}>
      {history.isPending ? (
        <Loading what="the KPI history" />
      ) : history.isError ? (
        <ErrorState error={history.error} what="the KPI history" />
      ) : (
        <DayLineChart
          data={history.data.points.map((point) => ({
            day: Date.parse(point.from),
            linkedEffortShare: point.linkedEffortShare,
            budgetConsumption: point.budgetConsumption,
            goalAttainmentRate: point.goalAttainmentRate,
            riskManagementEffectiveness: point.riskManagementEffectiveness,
          }))}
          series={[
            { key: 'linkedEffortShare', label: 'Alignment of operations', colour: '#1f4fbf' },
            { key: 'budgetConsumption', label: 'Budget consumption', colour: '#b3261e' },
            { key: 'goalAttainmentRate', label: 'Goal attainment', colour: '#1b6e3a' },
            { key: 'riskManagementEffectiveness', label: 'Risk management', colour: '#8a5a00' },
          ]}
          formatValue={(ratio) => formatRatio(ratio)}
          description={`Director KPIs per ${interval} from ${range.from}.`}
        />
      )}
    </Card>
  );
}
