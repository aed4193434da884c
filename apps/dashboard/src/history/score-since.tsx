import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { firstScoreQuery, scoreComparisonQuery, type ScoreScope } from '../api/queries';
import { comparisonChoices, defaultChoice } from './comparison-choices';
import { COMPONENT_LABEL } from '../ui/band';
import { formatNumber, formatScore } from '../ui/format';
import { ErrorState, Loading, ScoreBadge } from '../ui/primitives';

/**
 * The score now against an earlier one (30 days back when it goes back that far, else its first):
 * the server's sentence of what moved and why, then each component's move in points.
 */
export function ScoreSince({ scope }: { scope: ScoreScope }) {
  const first = useQuery(firstScoreQuery(scope));
  if (first.isPending) return <Loading what="the score's history" />;
  if (first.isError) return <ErrorState error={first.error} what="the score's history" />;
  if (!first.data) return null;
  return <Comparison scope={scope} firstScoreAt={first.data} />;
}

function Comparison({ scope, firstScoreAt }: { scope: ScoreScope; firstScoreAt: string }) {
  const choices = comparisonChoices(firstScoreAt, new Date());
  const [from, setFrom] = useState(defaultChoice(choices).from);
  const selectId = useId();
  const comparison = useQuery(scoreComparisonQuery(scope, from));
  return (
    <div className="score-since">
      <h3>
        <label htmlFor={selectId}>Since</label>{' '}
        <select id={selectId} value={from} onChange={(event) => setFrom(event.target.value)}>
          {choices.map((choice) => (
            <option key={choice.from} value={choice.from}>
              {choice.label}
            </option>
          ))}
        </select>
      </h3>
      {comparison.isPending ? (
        <Loading what="the comparison" />
      ) : comparison.isError ? (
        <ErrorState error={comparison.error} what="the comparison" />
      ) : (
        <>
          <p data-testid="score-since-summary">
            <ScoreBadge score={comparison.data.from.score} band={comparison.data.from.band} /> →{' '}
            <ScoreBadge score={comparison.data.to.score} band={comparison.data.to.band} /> {comparison.data.summary}
          </p>
          <ul className="component-moves">
            {comparison.data.components
              .filter((change) => change.contributionChange !== 0)
              .map((change) => (
                <li key={change.name}>
                  <strong>{COMPONENT_LABEL[change.name]}</strong> {change.contributionChange > 0 ? '+' : '−'}
                  {formatNumber(Math.abs(change.contributionChange), undefined, 1)} points{' '}
                  {change.valueFrom === change.valueTo
                    ? `(still ${formatValue(change.valueTo)}: its share of the weights moved)`
                    : `(${formatValue(change.valueFrom)} → ${formatValue(change.valueTo)})`}
                </li>
              ))}
          </ul>
        </>
      )}
    </div>
  );
}

function formatValue(value: number | null): string {
  return value === null ? 'n/a' : formatScore(value);
}
