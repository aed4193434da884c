import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { execution, metrics, strategy } from '@throughline/api-client';
import { Link, useParams } from 'react-router';
import { executionApi, ifMatch, metricsApi, strategyApi, unwrap } from '../api/clients';
import { ApiError } from '../api/problem';
import { forecastQuery, goalQuery, goalsQuery, peopleQuery, scoreQuery, scoresQuery, tasksQuery } from '../api/queries';
import { DayLineChart } from '../ui/charts';
import { formatDate, formatMoney, formatNumber, formatRatio } from '../ui/format';
import { Card, EmptyState, ErrorState, Figure, Loading, PageHeader, ScoreBadge, StatusChip } from '../ui/primitives';
import { ScoreExplanation } from '../ui/score-explanation';
import { ScoreSince } from '../history/score-since';
import { budgetOverTime } from './earned-value';
import { readForecast } from './forecast';
import { BudgetForm, CloseGoalForm, DeliverableForm, GoalForm, KeyResultForm, RiskForm } from './goal-forms';
import { keyResultSeries } from './key-result-progress';
import { heatMap } from './risk-heat-map';
import { WhatIfCard } from './what-if';
import { ContributionsCard } from './contributions-card';

type GoalDetail = strategy.GoalDetailView;

export default function GoalPage() {
  const { goalId = '' } = useParams();
  const goal = useQuery(goalQuery(goalId));
  const people = useQuery(peopleQuery());
  if (goal.isPending) return <Loading what="the goal" />;
  if (goal.isError) return <ErrorState error={goal.error} what="this goal" />;
  const nameOf = (id: string) => people.data?.find((person) => person.id === id)?.name ?? '…';
  const data = goal.data;
  return (
    <>
      <PageHeader
        title={data.title}
        subtitle={
          <>
            <StatusChip status={data.status} /> {formatDate(data.periodStart)} – {formatDate(data.periodEnd)} · owner{' '}
            {nameOf(data.ownerId)} · budget {formatMoney(data.budget.amountMinor, data.budget.currency)}
            {data.parentGoalId && (
              <>
                {' '}
                · sub-goal of <Link to={`/goals/${String(data.parentGoalId)}`}>its parent</Link>
              </>
            )}
          </>
        }
        actions={<GoalActions goal={data} />}
      />
      {data.description && <p>{data.description}</p>}
      <div className="grid grid-2">
        <GoalScore goal={data} />
        <BudgetCard goal={data} />
        {data.status !== 'draft' && <ForecastCard goal={data} />}
        {data.status === 'active' && <WhatIfCard goal={data} />}
        <KeyResultsCard goal={data} />
        <RisksCard goal={data} nameOf={nameOf} />
        <div className="span-2">
          <TasksCard goal={data} nameOf={nameOf} />
        </div>
        <SubGoalsCard goal={data} />
        <ContributionsCard goal={data} />
        <Card title="Goal details">
          <details className="editor">
            <summary>Edit the goal</summary>
            <GoalForm goal={data} />
          </details>
        </Card>
      </div>
    </>
  );
}

function GoalActions({ goal }: { goal: GoalDetail }) {
  const queryClient = useQueryClient();
  const activate = useMutation({
    mutationFn: () =>
      unwrap(
        strategy.goalsActivate({ client: strategyApi, path: { goalId: goal.id }, headers: ifMatch(goal.version) }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['strategy'] }),
  });
  return (
    <>
      <Link className="button button-quiet" to={`/goals/new?parent=${goal.id}`}>
        Add a sub-goal
      </Link>
      {goal.status === 'draft' && (
        <button type="button" onClick={() => activate.mutate()} disabled={activate.isPending}>
          {activate.isPending ? 'Activating…' : 'Activate goal'}
        </button>
      )}
      {activate.isError && (
        <p className="form-problems" role="alert">
          {activate.error instanceof ApiError
            ? (activate.error.problem.detail ?? activate.error.problem.title)
            : String(activate.error)}
        </p>
      )}
      {goal.status === 'active' && (
        <details className="editor">
          <summary>Close the goal</summary>
          <CloseGoalForm goal={goal} />
        </details>
      )}
    </>
  );
}

function GoalScore({ goal }: { goal: GoalDetail }) {
  const score = useQuery(scoreQuery('goals', goal.id));
  return (
    <Card title="Alignment score" id="goal-score">
      {score.isPending ? (
        <Loading what="the score" />
      ) : score.isError ? (
        score.error instanceof ApiError && score.error.status === 404 ? (
          <EmptyState title="Not scored yet.">A goal is scored once it is active.</EmptyState>
        ) : (
          <ErrorState error={score.error} what="the score" />
        )
      ) : (
        <>
          <p data-testid="goal-score">
            <ScoreBadge score={score.data.score} band={score.data.band} size="large" />
          </p>
          <ScoreExplanation
            score={score.data}
            driverLink={(driver) =>
              driver.kind === 'task'
                ? `#task-${driver.id}`
                : driver.kind === 'key_result'
                  ? `#kr-${driver.id}`
                  : driver.kind === 'risk'
                    ? `#risk-${driver.id}`
                    : `/managers#manager-${driver.id}`
            }
          />
          <ScoreSince scope={{ scopes: 'goals', id: goal.id }} />
        </>
      )}
    </Card>
  );
}

function KeyResultsCard({ goal }: { goal: GoalDetail }) {
  return (
    <Card title="Key results">
      {goal.keyResults.length === 0 && (
        <EmptyState title="No key results yet.">Add how success is measured.</EmptyState>
      )}
      {goal.keyResults.map((kr) => (
        <KeyResultProgress key={kr.id} goal={goal} kr={kr} />
      ))}
      <details className="editor">
        <summary>Add a key result</summary>
        <KeyResultForm goal={goal} />
      </details>
    </Card>
  );
}

function KeyResultProgress({ goal, kr }: { goal: GoalDetail; kr: strategy.KeyResultView }) {
  const checkIns = useQuery({
    queryKey: ['execution', 'key-results', kr.id, 'check-ins'],
    queryFn: async () =>
      (await unwrap(execution.keyResultsListCheckIns({ client: executionApi, path: { keyResultId: kr.id } }))).items,
    enabled: goal.status !== 'draft',
  });
  const series = keyResultSeries(kr, checkIns.data ?? [], goal.periodStart, goal.periodEnd);
  const latest = checkIns.data?.at(-1);
  return (
    <div id={`kr-${kr.id}`} className="key-result">
      <h3>
        {kr.name}{' '}
        <span className="meta">
          ({formatNumber(kr.baseline)} → {formatNumber(kr.target)} {kr.unit}, weight {formatNumber(kr.weight)})
        </span>
      </h3>
      {checkIns.isError ? (
        <ErrorState error={checkIns.error} what="the check-ins" />
      ) : (
        <DayLineChart
          data={series}
          series={[
            { key: 'expected', label: 'Expected', colour: '#525c6b', dashed: true },
            { key: 'actual', label: 'Checked in', colour: '#1f4fbf' },
          ]}
          description={`${kr.name}: expected to move from ${kr.baseline} to ${kr.target} ${kr.unit}; ${
            latest ? `latest check-in ${latest.value} on ${formatDate(latest.measuredOn)}` : 'no check-in yet'
          }.`}
        />
      )}
      <details className="editor">
        <summary>Edit {kr.name}</summary>
        <KeyResultForm goal={goal} keyResult={kr} />
      </details>
    </div>
  );
}

function BudgetCard({ goal }: { goal: GoalDetail }) {
  const budget = useQuery({
    queryKey: ['strategy', 'goals', goal.id, 'budget'],
    queryFn: () => unwrap(strategy.budgetsCurrent({ client: strategyApi, path: { goalId: goal.id } })),
  });
  const tasks = useQuery({ ...tasksQuery({ goalId: goal.id }), enabled: goal.status !== 'draft' });
  const histories = useQuery({
    queryKey: ['execution', 'tasks', 'histories', goal.id, tasks.data?.map((task) => `${task.id}:${task.version}`)],
    queryFn: () =>
      Promise.all(
        (tasks.data ?? []).map((task) =>
          unwrap(execution.tasksGet({ client: executionApi, path: { taskId: task.id } })),
        ),
      ),
    enabled: Boolean(tasks.data?.length),
  });
  const people = useQuery(peopleQuery());
  const currency = goal.budget.currency;
  const points = budgetOverTime(
    (histories.data ?? []).map((task) => ({
      plannedCostMinor: task.plannedCostMinor,
      dueDate: task.dueDate ? String(task.dueDate) : null,
      history: task.history,
    })),
    goal.periodStart,
    goal.periodEnd,
    new Date(),
  );
  const last = points.at(-1);
  return (
    <Card title="Budget">
      {budget.isPending ? (
        <Loading what="the budget" />
      ) : budget.isError ? (
        <ErrorState error={budget.error} what="the budget" />
      ) : (
        <>
          <p>
            {formatMoney(budget.data.totalMinor, currency)} (revision {budget.data.revision}),{' '}
            {formatMoney(budget.data.allocatedMinor, currency)} allocated
          </p>
          {budget.data.allocations.length > 0 && (
            <ul>
              {budget.data.allocations.map((allocation, index) => (
                <li key={index}>
                  {people.data?.find((person) => person.id === String(allocation.managerId))?.name ??
                    (allocation.orgUnitId ? 'an org unit' : 'someone')}
                  : {formatMoney(allocation.amountMinor, currency)}
                </li>
              ))}
            </ul>
          )}
          {goal.status === 'draft' ? (
            <p className="meta">Spending is tracked once the goal is active.</p>
          ) : histories.isError ? (
            <ErrorState error={histories.error} what="the spending" />
          ) : points.length > 1 ? (
            <DayLineChart
              data={points.map((point) => ({ ...point }))}
              series={[
                { key: 'planned', label: 'Planned', colour: '#525c6b', dashed: true },
                { key: 'earned', label: 'Earned', colour: '#1b6e3a' },
                { key: 'actual', label: 'Actual', colour: '#b3261e' },
              ]}
              formatValue={(minor) => formatMoney(minor, currency)}
              description={`Budget over time: planned ${formatMoney(last?.planned, currency)}, earned ${formatMoney(
                last?.earned,
                currency,
              )}, actual ${formatMoney(last?.actual, currency)} by now.`}
            />
          ) : (
            <p className="meta">The chart shows once the goal has run for a day.</p>
          )}
          <details className="editor">
            <summary>Revise the budget</summary>
            <BudgetForm goal={goal} budget={budget.data} />
          </details>
        </>
      )}
    </Card>
  );
}

/** Where the goal is heading if its work goes on as it has: cost and finish at completion (docs/alignment.md, "Forecasts"). */
function ForecastCard({ goal }: { goal: GoalDetail }) {
  const forecast = useQuery(forecastQuery('goals', goal.id));
  const currency = goal.budget.currency;
  return (
    <Card title="Forecast at completion" id="goal-forecast">
      {forecast.isPending ? (
        <Loading what="the forecast" />
      ) : forecast.isError ? (
        forecast.error instanceof ApiError && forecast.error.status === 404 ? (
          <EmptyState title="No forecast yet.">A goal is forecast once it is active and scored.</EmptyState>
        ) : (
          <ErrorState error={forecast.error} what="the forecast" />
        )
      ) : (
        <ForecastFigures forecast={forecast.data} currency={currency} />
      )}
    </Card>
  );
}

function ForecastFigures({ forecast, currency }: { forecast: metrics.ForecastView; currency: string }) {
  const { cost, schedule } = forecast;
  const reading = readForecast(forecast);
  return (
    <>
      <dl className="figures">
        <Figure
          label="Cost at completion"
          value={formatMoney(cost.estimateAtCompletion, currency)}
          note={
            reading.costVerdict &&
            `${formatMoney(reading.costVerdict.byMinor, currency)} ${reading.costVerdict.overrun ? 'over' : 'within'} the budget of ${formatMoney(cost.budget, currency)}`
          }
        />
        <Figure
          label="Still to spend"
          value={formatMoney(cost.estimateToComplete, currency)}
          note={`${formatMoney(cost.actualCost, currency)} spent so far`}
        />
        <Figure
          label="Projected finish"
          value={formatDate(schedule.projectedFinish)}
          note={
            reading.scheduleVerdict &&
            (reading.scheduleVerdict.late
              ? `${formatNumber(reading.scheduleVerdict.byDays)} days after the planned end, ${formatDate(schedule.plannedEnd)}`
              : `by the planned end, ${formatDate(schedule.plannedEnd)}`)
          }
        />
        <Figure
          label="Cost and schedule performance"
          value={`${formatNumber(cost.costPerformanceIndex, undefined, 2)} · ${formatNumber(schedule.schedulePerformanceIndex, undefined, 2)}`}
          note="CPI · SPI: 1 is to plan"
        />
      </dl>
      {reading.gaps.length > 0 && <p className="meta">Not forecast yet: {reading.gaps.join('; ')}.</p>}
      <p className="meta">As if the rest of the work goes on at today&apos;s cost efficiency (CPI) and pace (SPI).</p>
    </>
  );
}

function RisksCard({ goal, nameOf }: { goal: GoalDetail; nameOf: (id: string) => string }) {
  const settings = useQuery({
    queryKey: ['metrics', 'settings'],
    queryFn: () => unwrap(metrics.settingsGet({ client: metricsApi })),
  });
  const grid = heatMap(goal.risks, settings.data?.highRiskExposure ?? 12);
  return (
    <Card title="Risks">
      {goal.risks.length === 0 ? (
        <EmptyState title="No risks raised.">Raise what could stop this goal.</EmptyState>
      ) : (
        <>
          <div className="heat-map" role="table" aria-label="Risks by likelihood (rows) and impact (columns)">
            <div role="row" className="visually-hidden">
              <span role="columnheader">Likelihood</span>
              {[1, 2, 3, 4, 5].map((impact) => (
                <span role="columnheader" key={impact}>
                  Impact {impact}
                </span>
              ))}
            </div>
            {grid.map((row) => (
              <div role="row" key={row[0].likelihood} style={{ display: 'contents' }}>
                <span role="rowheader" className="axis">
                  L{row[0].likelihood}
                </span>
                {row.map((cell) => (
                  <div role="cell" key={cell.impact} className={`cell heat-${cell.heat}`}>
                    {cell.risks.map((risk) => (
                      <a key={risk.id} href={`#risk-${risk.id}`} className="risk-dot" title={risk.title}>
                        {risk.title}
                      </a>
                    ))}
                  </div>
                ))}
              </div>
            ))}
            <span />
            {[1, 2, 3, 4, 5].map((impact) => (
              <span className="axis" key={impact} aria-hidden="true">
                I{impact}
              </span>
            ))}
          </div>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Table (scrolls sideways)">
            <table>
              <thead>
                <tr>
                  <th scope="col">Risk</th>
                  <th scope="col" className="number">
                    L × I
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Mitigation</th>
                  <th scope="col">Owner</th>
                </tr>
              </thead>
              <tbody>
                {goal.risks.map((risk) => (
                  <tr key={risk.id} id={`risk-${risk.id}`}>
                    <th scope="row">{risk.title}</th>
                    <td className="number">
                      {risk.likelihood} × {risk.impact}
                    </td>
                    <td>
                      <StatusChip status={risk.status} />
                    </td>
                    <td>{risk.mitigation ? String(risk.mitigation) : <em>none yet</em>}</td>
                    <td>{nameOf(risk.ownerId)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {goal.risks.map((risk) => (
            <details className="editor" key={risk.id}>
              <summary>Update {risk.title}</summary>
              <RiskForm goal={goal} risk={risk} />
            </details>
          ))}
        </>
      )}
      <details className="editor">
        <summary>Raise a risk</summary>
        <RiskForm goal={goal} />
      </details>
    </Card>
  );
}

function TasksCard({ goal, nameOf }: { goal: GoalDetail; nameOf: (id: string) => string }) {
  const tasks = useQuery({ ...tasksQuery({ goalId: goal.id }), enabled: goal.status !== 'draft' });
  const currency = goal.budget.currency;
  return (
    <Card title="Deliverables and tasks">
      {goal.status === 'draft' ? (
        goal.deliverables.length === 0 ? (
          <EmptyState title="No deliverables yet.">
            Each becomes a manager's task when the goal is activated.
          </EmptyState>
        ) : (
          <ul>
            {goal.deliverables.map((deliverable) => (
              <li key={deliverable.id}>
                {deliverable.title} — {nameOf(deliverable.managerId)}, due {formatDate(deliverable.dueDate)},{' '}
                {formatMoney(deliverable.budgetMinor, currency)}
              </li>
            ))}
          </ul>
        )
      ) : tasks.isPending ? (
        <Loading what="the tasks" />
      ) : tasks.isError ? (
        <ErrorState error={tasks.error} what="the tasks" />
      ) : tasks.data.length === 0 ? (
        <EmptyState title="No tasks yet.">Tasks appear as the deliverables reach the managers.</EmptyState>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Table (scrolls sideways)">
          <table>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Manager</th>
                <th scope="col">Status</th>
                <th scope="col" className="number">
                  Progress
                </th>
                <th scope="col">Due</th>
                <th scope="col" className="number">
                  Spent / planned
                </th>
              </tr>
            </thead>
            <tbody>
              {tasks.data.map((task) => (
                <tr key={task.id} id={`task-${task.id}`}>
                  <th scope="row">
                    <Link to={`/tasks/${task.id}`}>{task.title}</Link>
                  </th>
                  <td>{nameOf(task.managerId)}</td>
                  <td>
                    <StatusChip status={task.status} />
                  </td>
                  <td className="number">{formatRatio(task.progress / 100)}</td>
                  <td>{formatDate(task.dueDate ? String(task.dueDate) : null)}</td>
                  <td className="number">
                    {formatMoney(task.actualCostMinor, currency)} / {formatMoney(task.plannedCostMinor, currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {goal.deliverables.map((deliverable) => (
        <details className="editor" key={deliverable.id}>
          <summary>Edit deliverable {deliverable.title}</summary>
          <DeliverableForm goal={goal} deliverable={deliverable} />
        </details>
      ))}
      <details className="editor">
        <summary>Add a deliverable</summary>
        <DeliverableForm goal={goal} />
      </details>
    </Card>
  );
}

function SubGoalsCard({ goal }: { goal: GoalDetail }) {
  const goals = useQuery(goalsQuery());
  const scores = useQuery(scoresQuery('goals'));
  const children = (goals.data ?? []).filter((candidate) => String(candidate.parentGoalId) === goal.id);
  return (
    <Card title="Sub-goals">
      {children.length === 0 ? (
        <EmptyState title="No sub-goals.">
          <Link to={`/goals/new?parent=${goal.id}`}>Add a sub-goal</Link> to split the work.
        </EmptyState>
      ) : (
        <ul>
          {children.map((child) => {
            const score = scores.data?.find((candidate) => candidate.scopeId === child.id);
            return (
              <li key={child.id}>
                <Link to={`/goals/${child.id}`}>{child.title}</Link> <StatusChip status={child.status} />{' '}
                {score && <ScoreBadge score={score.score} band={score.band} />}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
