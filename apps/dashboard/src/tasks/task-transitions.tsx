import { execution } from '@throughline/api-client';
import { TASK_TRANSITIONS, transitionNeedsReason, type TaskStatus } from '@throughline/contracts/task-lifecycle';
import { useState } from 'react';
import { executionApi, ifMatch, unwrap } from '../api/clients';
import { Field, FormProblemsSummary, SubmitButton, text, useFormSubmit } from '../ui/form';

const VERB: Record<TaskStatus, string> = {
  todo: 'Back to do',
  in_progress: 'Start',
  blocked: 'Block',
  done: 'Finish',
  cancelled: 'Cancel task',
};

/** The moves the task lifecycle allows from the task's status, and only those; blocking and cancelling ask why. */
export function TaskTransitions({ task }: { task: execution.TaskView }) {
  const [asking, setAsking] = useState<TaskStatus>();
  const { onSubmit, problems, pending } = useFormSubmit({
    fields: ['reason'],
    build: (form) => ({ to: (text(form, 'to') ?? '') as TaskStatus, reason: text(form, 'reason') }),
    send: (body) =>
      unwrap(
        execution.tasksChangeStatus({
          client: executionApi,
          path: { taskId: task.id },
          headers: ifMatch(task.version),
          body,
        }),
      ),
    invalidates: ['execution', 'metrics'],
    onDone: () => setAsking(undefined),
  });
  const moves = TASK_TRANSITIONS[task.status];
  if (moves.length === 0) return null;
  return (
    <div className="task-actions">
      {moves.map((to) =>
        transitionNeedsReason(to) ? (
          <button
            key={to}
            type="button"
            className="button-quiet"
            onClick={() => setAsking(asking === to ? undefined : to)}
            aria-expanded={asking === to}
          >
            {VERB[to]}…
          </button>
        ) : (
          <form key={to} onSubmit={onSubmit}>
            <input type="hidden" name="to" value={to} />
            <button type="submit" disabled={pending} aria-label={`${VERB[to]}: ${task.title}`}>
              {VERB[to]}
            </button>
          </form>
        ),
      )}
      {asking && (
        <form className="form-inline" onSubmit={onSubmit} aria-label={`${VERB[asking]}: ${task.title}`} noValidate>
          <input type="hidden" name="to" value={asking} />
          <Field
            label={`Why ${asking === 'blocked' ? 'is it blocked' : 'cancel it'}?`}
            name="reason"
            problems={problems}
          >
            {(props) => <input {...props} required autoFocus />}
          </Field>
          <SubmitButton pending={pending} label={VERB[asking]} />
        </form>
      )}
      {!asking && <FormProblemsSummary problems={problems} />}
    </div>
  );
}
