import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { metrics, strategy } from '@throughline/api-client';
import { metricsApi, unwrap } from '../api/clients';
import { tasksQuery } from '../api/queries';
import { Field, FormProblemsSummary, number, SubmitButton, text, useFormSubmit } from '../ui/form';
import { formatDate, formatMoney, formatScore } from '../ui/format';
import { Card, ScoreBadge } from '../ui/primitives';

type GoalDetail = strategy.GoalDetailView;
type Simulation = metrics.SimulationView;

const FIELDS = ['taskId', 'days', 'percent', 'changes'] as const;

/**
 * "What if this task slips and costs more?": the services' what-if simulation (nothing is stored),
 * the goal's score, forecast and alerts today beside what they would be, and the other scopes it moves.
 */
export function WhatIfCard({ goal }: { goal: GoalDetail }) {
  const tasks = useQuery(tasksQuery({ goalId: goal.id }));
  const [answer, setAnswer] = useState<Simulation>();
  const { onSubmit, problems, pending } = useFormSubmit({
    fields: FIELDS,
    build: (form) => {
      const taskId = text(form, 'taskId') ?? '';
      const days = number(form, 'days');
      const percent = number(form, 'percent');
      return [
        ...(days ? [{ kind: 'slip' as const, taskId, days }] : []),
        ...(percent ? [{ kind: 'cost' as const, taskId, percent }] : []),
      ];
    },
    send: (changes) => unwrap(metrics.simulationsSimulate({ client: metricsApi, body: { changes } })),
    invalidates: [],
    onDone: (result) => setAnswer(result),
  });
  return (
    <Card title="What if…" id="goal-what-if">
      <form className="form" onSubmit={onSubmit} aria-label="What if" noValidate>
        <FormProblemsSummary problems={problems} />
        <Field label="Task" name="taskId" problems={problems}>
          {(props) => (
            <select {...props} required>
              {(tasks.data ?? []).map((task) => (
                <option key={task.id} value={task.id}>
                  {task.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-row">
          <Field label="Slips by (days)" name="days" problems={problems}>
            {(props) => <input {...props} type="number" inputMode="numeric" defaultValue={21} />}
          </Field>
          <Field label="Costs more (%)" name="percent" problems={problems} hint="of what it has cost so far">
            {(props) => <input {...props} type="number" inputMode="decimal" defaultValue={20} />}
          </Field>
        </div>
        <SubmitButton pending={pending} label="Simulate" />
      </form>
      {answer && <WhatIfAnswer goal={goal} answer={answer} />}
    </Card>
  );
}

function WhatIfAnswer({ goal, answer }: { goal: GoalDetail; answer: Simulation }) {
  const currency = goal.budget.currency;
  const own = answer.scopes.find((scope) => scope.scope === 'goal' && scope.scopeId === goal.id);
  const others = answer.scopes.filter((scope) => scope !== own && scope.today && scope.projected);
  return (
    <div className="what-if-answer" data-testid="what-if-answer">
      <ul className="meta">
        {answer.changes.map((change) => (
          <li key={change.index}>{change.effect}</li>
        ))}
      </ul>
      {own?.today && own.projected ? (
        <dl className="what-if-figures">
          <dt>Score</dt>
          <dd>
            <ScoreBadge score={own.today.score} band={own.today.band} /> →{' '}
            <ScoreBadge score={own.projected.score} band={own.projected.band} />
          </dd>
          <dt>Cost at completion</dt>
          <dd>
            {formatMoney(own.today.forecast.cost.estimateAtCompletion, currency)} →{' '}
            {formatMoney(own.projected.forecast.cost.estimateAtCompletion, currency)}
          </dd>
          <dt>Projected finish</dt>
          <dd>
            {formatDate(own.today.forecast.schedule.projectedFinish)} →{' '}
            {formatDate(own.projected.forecast.schedule.projectedFinish)}
          </dd>
          <dt>Alerts it would raise</dt>
          <dd>
            {own.difference.alertsRaised.length === 0
              ? 'none'
              : own.difference.alertsRaised.map((alert) => alert.message).join(' ')}
          </dd>
        </dl>
      ) : (
        <p className="meta">This goal's score would not move.</p>
      )}
      {others.length > 0 && (
        <>
          <h3>Also moves</h3>
          <ul>
            {others.map((scope) => (
              <li key={`${scope.scope}-${scope.scopeId}`}>
                {scope.name} ({scope.scope.replace('_', ' ')}): {formatScore(scope.today!.score)} →{' '}
                {formatScore(scope.projected!.score)}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="meta">Nothing was changed: this is a projection.</p>
    </div>
  );
}
