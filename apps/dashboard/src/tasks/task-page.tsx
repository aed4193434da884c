import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { goalQuery, taskQuery } from '../api/queries';
import { useSession } from '../session/session';
import { formatDate, formatDateTime, formatMinutes, formatMoney, formatRatio } from '../ui/format';
import { Card, ErrorState, Figure, Loading, PageHeader, StatusChip } from '../ui/primitives';
import { CostForm, HoursForm, ProgressForm, QualityIssueForm } from './task-report-forms';
import { TaskTransitions } from './task-transitions';

/** One task: its figures and history; its manager also moves it on and reports on it here. */
export default function TaskPage() {
  const { taskId = '' } = useParams();
  const { person } = useSession();
  const task = useQuery(taskQuery(taskId));
  const goalId = task.data?.goalId ? String(task.data.goalId) : '';
  const goal = useQuery({ ...goalQuery(goalId), enabled: Boolean(goalId) });
  if (task.isPending) return <Loading what="the task" />;
  if (task.isError) return <ErrorState error={task.error} what="this task" />;
  const data = task.data;
  const currency = String(data.currency ?? goal.data?.budget.currency ?? 'EUR');
  const mine = data.managerId === person.id;
  const goalLink = mine ? undefined : `/goals/${goalId}`;
  return (
    <>
      <PageHeader
        title={data.title}
        subtitle={
          <>
            <StatusChip status={data.status} />{' '}
            {data.goalId ? (
              <>
                for{' '}
                {goalLink ? (
                  <Link to={goalLink}>{goal.data?.title ?? 'its goal'}</Link>
                ) : (
                  (goal.data?.title ?? 'its goal')
                )}
              </>
            ) : (
              <>not linked to a goal: {String(data.unlinkedReason ?? '')}</>
            )}
            {data.blockedReason && <> · blocked: {String(data.blockedReason)}</>}
          </>
        }
        actions={mine && <TaskTransitions task={data} />}
      />
      <div className="grid grid-2">
        <Card title="Figures">
          <dl className="figures">
            <Figure label="Progress" value={formatRatio(data.progress / 100)} />
            <Figure label="Due" value={formatDate(data.dueDate ? String(data.dueDate) : null)} />
            <Figure
              label="Spent"
              value={formatMoney(data.actualCostMinor, currency)}
              note={`of ${formatMoney(data.plannedCostMinor, currency)} planned`}
            />
            <Figure label="Hours" value={formatMinutes(data.minutesWorked)} />
            <Figure label="Quality issues" value={data.qualityIssueCount} />
          </dl>
        </Card>
        <Card title="History">
          <ol className="history">
            {[...data.history].reverse().map((entry, index) => (
              <li key={index}>
                <strong>{entry.change}</strong> <span className="meta">{formatDateTime(entry.at)}</span>{' '}
                {describe(entry.details, currency)}
              </li>
            ))}
          </ol>
        </Card>
        {mine && data.status !== 'done' && data.status !== 'cancelled' && (
          <>
            <Card title="Report progress">
              <ProgressForm task={data} />
            </Card>
            <Card title="Record a cost">
              <CostForm task={data} />
            </Card>
            <Card title="Record hours">
              <HoursForm task={data} />
            </Card>
            <Card title="Report a quality issue">
              <QualityIssueForm task={data} />
            </Card>
          </>
        )}
      </div>
    </>
  );
}

function describe(details: Record<string, unknown>, currency: string): string {
  if (typeof details.amountMinor === 'number')
    return `${formatMoney(details.amountMinor, String(details.currency ?? currency))} — ${String(details.description ?? '')}`;
  if ('from' in details && 'to' in details)
    return `${String(details.from)} → ${String(details.to)}${details.reason ? ` (${String(details.reason)})` : ''}`;
  if (typeof details.minutes === 'number') return formatMinutes(details.minutes);
  if (typeof details.description === 'string') return details.description;
  return '';
}
