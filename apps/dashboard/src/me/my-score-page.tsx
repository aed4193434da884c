import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/problem';
import { scoreQuery, tasksQuery } from '../api/queries';
import { dailyScoreHistoryQuery } from '../history/daily-score-history';
import { presetRange } from '../history/range';
import { useSession } from '../session/session';
import { DayLineChart } from '../ui/charts';
import { formatDateTime } from '../ui/format';
import { Card, EmptyState, ErrorState, Loading, PageHeader, ScoreBadge } from '../ui/primitives';
import { ScoreExplanation } from '../ui/score-explanation';
import { ManagerKpis } from './manager-kpis';

/** The manager's own alignment score, why, its trend, and their KPIs. */
export default function MyScorePage() {
  const { person } = useSession();
  const score = useQuery(scoreQuery('managers', person.id));
  const tasks = useQuery(tasksQuery());
  const currency = String(tasks.data?.find((task) => task.currency)?.currency ?? 'EUR');
  const history = useQuery(
    dailyScoreHistoryQuery({ scopes: 'managers', id: person.id }, presetRange('90d', new Date())),
  );
  return (
    <>
      <PageHeader
        title="My score"
        subtitle="How your work lines up with the goals, and your KPIs for the last 30 days."
      />
      <div className="grid grid-2">
        <Card title="Alignment score">
          {score.isPending ? (
            <Loading what="your score" />
          ) : score.isError ? (
            score.error instanceof ApiError && score.error.status === 404 ? (
              <EmptyState title="No score yet.">You are scored once you have tasks.</EmptyState>
            ) : (
              <ErrorState error={score.error} what="your score" />
            )
          ) : (
            <>
              <p>
                <ScoreBadge score={score.data.score} band={score.data.band} size="large" />
              </p>
              <p className="meta">Last changed {formatDateTime(score.data.computedAt)}.</p>
              {history.data && history.data.length > 1 && (
                <DayLineChart
                  data={history.data.map((point) => ({ day: point.day, score: point.score }))}
                  series={[{ key: 'score', label: 'My score', colour: '#1f4fbf' }]}
                  domain={[0, 100]}
                  description="Your alignment score over the last 90 days."
                />
              )}
            </>
          )}
        </Card>
        <Card title="My KPIs">
          <ManagerKpis managerId={person.id} currency={currency} />
        </Card>
        {score.data && (
          <div className="span-2">
            <Card title="Why this score">
              <ScoreExplanation
                score={score.data}
                driverLink={(driver) => (driver.kind === 'task' ? `/my/tasks/${driver.id}` : undefined)}
              />
            </Card>
          </div>
        )}
      </div>
    </>
  );
}
