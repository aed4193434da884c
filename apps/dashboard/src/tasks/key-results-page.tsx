import { useQuery } from '@tanstack/react-query';
import { execution } from '@throughline/api-client';
import { executionApi, unwrap } from '../api/clients';
import { goalsQuery } from '../api/queries';
import { day } from '../history/range';
import { Field, FormProblemsSummary, number, SubmitButton, text, useFormSubmit } from '../ui/form';
import { formatDate, formatNumber } from '../ui/format';
import { Card, EmptyState, ErrorState, Loading, PageHeader } from '../ui/primitives';

/** The key results of the goals a manager works on, each with its latest value and a check-in form. */
export default function KeyResultsPage() {
  const keyResults = useQuery({
    queryKey: ['execution', 'key-results'],
    queryFn: async () => (await unwrap(execution.keyResultsList({ client: executionApi }))).items,
  });
  const goals = useQuery(goalsQuery());
  const goalTitle = (goalId: string) => goals.data?.find((goal) => goal.id === goalId)?.title ?? '';
  return (
    <>
      <PageHeader title="Key results" subtitle="Check in where each one stands; the goal's outcomes follow." />
      {keyResults.isPending ? (
        <Loading what="the key results" />
      ) : keyResults.isError ? (
        <ErrorState error={keyResults.error} what="the key results" />
      ) : keyResults.data.length === 0 ? (
        <EmptyState title="No key results to check in.">They appear when you work on a goal that has them.</EmptyState>
      ) : (
        <div className="grid grid-2">
          {keyResults.data.map((kr) => (
            <Card key={kr.keyResultId} id={`kr-${kr.keyResultId}`} title={String(kr.name ?? 'Key result')}>
              <p className="meta">
                {goalTitle(kr.goalId)} · {formatNumber(kr.baseline as never)} → {formatNumber(kr.target as never)}{' '}
                {String(kr.unit ?? '')} ({kr.direction})
              </p>
              <p>
                Latest:{' '}
                {kr.latestValue === null ? (
                  <em>no check-in yet</em>
                ) : (
                  <>
                    <strong>{formatNumber(kr.latestValue as never)}</strong> on{' '}
                    {formatDate(String(kr.latestMeasuredOn))}
                  </>
                )}
              </p>
              <CheckInForm keyResult={kr} />
            </Card>
          ))}
        </div>
      )}
    </>
  );
}

function CheckInForm({ keyResult }: { keyResult: execution.KeyResultView }) {
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: ['value', 'measuredOn', 'note'],
    build: (form) => ({
      value: number(form, 'value') ?? Number.NaN,
      measuredOn: text(form, 'measuredOn') ?? '',
      note: text(form, 'note'),
    }),
    send: (body) =>
      unwrap(execution.keyResultsCheckIn({ client: executionApi, path: { keyResultId: keyResult.keyResultId }, body })),
    invalidates: ['execution', 'metrics'],
    onDone: (_, form) => form.reset(),
  });
  return (
    <form className="form" onSubmit={onSubmit} aria-label={`Check in ${String(keyResult.name ?? '')}`} noValidate>
      <FormProblemsSummary problems={problems} />
      <div className="form-row">
        <Field label="Value" name="value" problems={problems}>
          {(props) => <input {...props} inputMode="decimal" required />}
        </Field>
        <Field label="Measured on" name="measuredOn" problems={problems}>
          {(props) => <input {...props} type="date" defaultValue={day(new Date())} required />}
        </Field>
      </div>
      <Field label="Note" name="note" problems={problems}>
        {(props) => <input {...props} />}
      </Field>
      <SubmitButton pending={pending} label="Check in" />
      {done && (
        <p className="done-note" role="status">
          Checked in.
        </p>
      )}
    </form>
  );
}
