import { execution } from '@throughline/api-client';
import { executionApi, ifMatch, unwrap } from '../api/clients';
import { day } from '../history/range';
import { Field, FormInputError, FormProblemsSummary, number, SubmitButton, text, useFormSubmit } from '../ui/form';
import { parseMoney } from '../ui/format';

/** What a manager reports on a task: progress, a cost, hours worked, a quality issue. Each refreshes the task and the figures. */
type Task = execution.TaskView;
const REFRESH = ['execution', 'metrics'] as const;
const today = () => day(new Date());

export function ProgressForm({ task }: { task: Task }) {
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: ['progress', 'note'],
    build: (form) => ({ progress: number(form, 'progress') ?? Number.NaN, note: text(form, 'note') }),
    send: (body) =>
      unwrap(
        execution.tasksReportProgress({
          client: executionApi,
          path: { taskId: task.id },
          headers: ifMatch(task.version),
          body,
        }),
      ),
    invalidates: REFRESH,
  });
  return (
    <form className="form" onSubmit={onSubmit} aria-label="Report progress" noValidate>
      <FormProblemsSummary problems={problems} />
      <div className="form-row">
        <Field label="Progress (%)" name="progress" problems={problems}>
          {(props) => <input {...props} type="number" min={0} max={100} defaultValue={task.progress} required />}
        </Field>
        <Field label="Note" name="note" problems={problems}>
          {(props) => <input {...props} />}
        </Field>
      </div>
      <SubmitButton pending={pending} label="Report progress" />
      {done && (
        <p className="done-note" role="status">
          Progress reported.
        </p>
      )}
    </form>
  );
}

export function CostForm({ task }: { task: Task }) {
  const currency = String(task.currency ?? 'EUR');
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: ['amountMinor', 'description', 'incurredOn', 'currency'],
    build: (form) => {
      const amountMinor = parseMoney(text(form, 'amountMinor') ?? '', currency);
      if (Number.isNaN(amountMinor))
        throw new FormInputError('amountMinor', `Enter an amount in ${currency}, e.g. 420.00`);
      return {
        amountMinor,
        currency,
        description: text(form, 'description') ?? '',
        incurredOn: text(form, 'incurredOn') ?? '',
      };
    },
    send: (body) =>
      unwrap(
        execution.tasksRecordCost({
          client: executionApi,
          path: { taskId: task.id },
          headers: ifMatch(task.version),
          body,
        }),
      ),
    invalidates: REFRESH,
    onDone: (_, form) => form.reset(),
  });
  return (
    <form className="form" onSubmit={onSubmit} aria-label="Record a cost" noValidate>
      <FormProblemsSummary problems={problems} />
      <div className="form-row">
        <Field label={`Amount (${currency})`} name="amountMinor" problems={problems}>
          {(props) => <input {...props} inputMode="decimal" required />}
        </Field>
        <Field label="Incurred on" name="incurredOn" problems={problems}>
          {(props) => <input {...props} type="date" defaultValue={today()} required />}
        </Field>
      </div>
      <Field label="What for" name="description" problems={problems}>
        {(props) => <input {...props} required />}
      </Field>
      <SubmitButton pending={pending} label="Record cost" />
      {done && (
        <p className="done-note" role="status">
          Cost recorded.
        </p>
      )}
    </form>
  );
}

export function HoursForm({ task }: { task: Task }) {
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: ['minutes', 'workedOn', 'note'],
    build: (form) => {
      const hours = number(form, 'minutes');
      return {
        minutes: Math.round((hours ?? Number.NaN) * 60),
        workedOn: text(form, 'workedOn') ?? '',
        note: text(form, 'note'),
      };
    },
    send: (body) =>
      unwrap(
        execution.tasksRecordHours({
          client: executionApi,
          path: { taskId: task.id },
          headers: ifMatch(task.version),
          body,
        }),
      ),
    invalidates: REFRESH,
    onDone: (_, form) => form.reset(),
  });
  return (
    <form className="form" onSubmit={onSubmit} aria-label="Record hours" noValidate>
      <FormProblemsSummary problems={problems} />
      <div className="form-row">
        <Field label="Hours" name="minutes" problems={problems}>
          {(props) => <input {...props} inputMode="decimal" required />}
        </Field>
        <Field label="Worked on" name="workedOn" problems={problems}>
          {(props) => <input {...props} type="date" defaultValue={today()} required />}
        </Field>
        <Field label="Note" name="note" problems={problems}>
          {(props) => <input {...props} />}
        </Field>
      </div>
      <SubmitButton pending={pending} label="Record hours" />
      {done && (
        <p className="done-note" role="status">
          Hours recorded.
        </p>
      )}
    </form>
  );
}

export function QualityIssueForm({ task }: { task: Task }) {
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: ['kind', 'severity', 'description'],
    build: (form) => ({
      kind: (text(form, 'kind') ?? 'defect') as 'defect' | 'rework',
      severity: (text(form, 'severity') ?? 'medium') as 'low' | 'medium' | 'high',
      description: text(form, 'description') ?? '',
    }),
    send: (body) =>
      unwrap(
        execution.tasksRecordQualityIssue({
          client: executionApi,
          path: { taskId: task.id },
          headers: ifMatch(task.version),
          body,
        }),
      ),
    invalidates: REFRESH,
    onDone: (_, form) => form.reset(),
  });
  return (
    <form className="form" onSubmit={onSubmit} aria-label="Report a quality issue" noValidate>
      <FormProblemsSummary problems={problems} />
      <div className="form-row">
        <Field label="Kind" name="kind" problems={problems}>
          {(props) => (
            <select {...props} defaultValue="defect">
              <option value="defect">Defect</option>
              <option value="rework">Rework</option>
            </select>
          )}
        </Field>
        <Field label="Severity" name="severity" problems={problems}>
          {(props) => (
            <select {...props} defaultValue="medium">
              <option value="low">Low</option>
              <option value="medium">Medium</option>
              <option value="high">High</option>
            </select>
          )}
        </Field>
      </div>
      <Field label="What happened" name="description" problems={problems}>
        {(props) => <textarea {...props} rows={2} required />}
      </Field>
      <SubmitButton pending={pending} label="Report issue" />
      {done && (
        <p className="done-note" role="status">
          Issue recorded.
        </p>
      )}
    </form>
  );
}
