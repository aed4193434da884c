import { useQuery } from '@tanstack/react-query';
import { execution } from '@throughline/api-client';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { executionApi, unwrap } from '../api/clients';
import { goalsQuery } from '../api/queries';
import { Field, FormInputError, FormProblemsSummary, number, SubmitButton, text, useFormSubmit } from '../ui/form';
import { parseMoney } from '../ui/format';
import { PageHeader } from '../ui/primitives';

/** A task of the manager's own: linked to an active goal, or honestly unlinked with the reason why. */
export default function TaskCreatePage() {
  const navigate = useNavigate();
  const goals = useQuery(goalsQuery());
  const active = (goals.data ?? []).filter((goal) => goal.status === 'active');
  const [goalId, setGoalId] = useState('');
  const currency = active.find((goal) => goal.id === goalId)?.budget.currency ?? active[0]?.budget.currency ?? 'EUR';
  const { onSubmit, problems, pending } = useFormSubmit({
    fields: ['title', 'linkedGoalId', 'unlinkedReason', 'dueDate', 'weight', 'plannedCostMinor'],
    build: (form) => {
      const planned = text(form, 'plannedCostMinor');
      const plannedCostMinor = planned === undefined ? undefined : parseMoney(planned, currency);
      if (Number.isNaN(plannedCostMinor))
        throw new FormInputError('plannedCostMinor', `Enter an amount in ${currency}`);
      return {
        title: text(form, 'title') ?? '',
        linkedGoalId: (goalId || null) as never,
        unlinkedReason: goalId ? undefined : text(form, 'unlinkedReason'),
        dueDate: text(form, 'dueDate'),
        weight: number(form, 'weight'),
        plannedCostMinor,
        currency: plannedCostMinor === undefined ? undefined : currency,
      };
    },
    send: (body) => unwrap(execution.tasksCreate({ client: executionApi, body })),
    invalidates: ['execution', 'metrics'],
    onDone: (task) => navigate(`/my/tasks/${task.id}`),
  });
  return (
    <>
      <PageHeader
        title="Add a task"
        subtitle="Work that serves a goal counts towards it; other work is fine, but say why."
      />
      <div className="card">
        <form className="form" onSubmit={onSubmit} aria-label="Add a task" noValidate>
          <FormProblemsSummary problems={problems} />
          <Field label="Title" name="title" problems={problems}>
            {(props) => <input {...props} required />}
          </Field>
          <Field label="Goal" name="linkedGoalId" problems={problems}>
            {(props) => (
              <select {...props} value={goalId} onChange={(event) => setGoalId(event.target.value)}>
                <option value="">Not linked to a goal</option>
                {active.map((goal) => (
                  <option key={goal.id} value={goal.id}>
                    {goal.title}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {!goalId && (
            <Field label="Why is it not linked to a goal?" name="unlinkedReason" problems={problems}>
              {(props) => <input {...props} required />}
            </Field>
          )}
          <div className="form-row">
            <Field label="Due" name="dueDate" problems={problems}>
              {(props) => <input {...props} type="date" />}
            </Field>
            <Field label={`Planned cost (${currency})`} name="plannedCostMinor" problems={problems}>
              {(props) => <input {...props} inputMode="decimal" />}
            </Field>
            <Field label="Weight" name="weight" problems={problems}>
              {(props) => <input {...props} inputMode="decimal" defaultValue={1} />}
            </Field>
          </div>
          <SubmitButton pending={pending} label="Add task" />
        </form>
      </div>
    </>
  );
}
