import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, formProblems, type FormProblems } from '../api/problem';

interface FieldProps {
  label: string;
  name: string;
  problems?: FormProblems;
  hint?: string;
  children: (props: { id: string; name: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A labelled control with its hint and the problem the service named for it, tied together for screen readers. */
export function Field({ label, name, problems, hint, children }: FieldProps) {
  const id = useId();
  const error = problems?.byField[name];
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {children({ id, name, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

export function FormProblemsSummary({ problems }: { problems?: FormProblems }) {
  if (!problems?.general.length) return null;
  return (
    <div className="form-problems" role="alert">
      {problems.general.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}

/**
 * A form's submission: sends it, refreshes what it changed (query keys starting with `invalidates`;
 * it stays pending until the refreshed data is in), and turns a refusal into messages at the fields
 * it names. Nothing is sent while `build` throws a FormInputError (a value the browser could not
 * read, such as unreadable money).
 */
export function useFormSubmit<T, R>(options: {
  fields: readonly string[];
  build: (form: FormData) => T;
  send: (input: T) => Promise<R>;
  invalidates: readonly string[];
  /** As soon as the service accepted it, before the refresh; an add form usually resets itself here. */
  onDone?: (result: R, form: HTMLFormElement) => void;
}) {
  const queryClient = useQueryClient();
  const [problems, setProblems] = useState<FormProblems>();
  const mutation = useMutation({
    mutationFn: ({ input }: { input: T; form: HTMLFormElement }) => options.send(input),
    onSuccess: async (result, { form }) => {
      setProblems(undefined);
      // At once, before the refresh: the saved values are done with, and an add form reset only after
      // the refetches (which the live stream can prolong) would wipe what was typed in the meantime.
      options.onDone?.(result, form);
      await Promise.all(options.invalidates.map((key) => queryClient.invalidateQueries({ queryKey: [key] })));
    },
    onError: (error) =>
      setProblems(
        error instanceof ApiError
          ? formProblems(error.problem, options.fields)
          : { byField: {}, general: [String(error)] },
      ),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    try {
      mutation.mutate({ input: options.build(new FormData(event.currentTarget)), form: event.currentTarget });
    } catch (error) {
      if (!(error instanceof FormInputError)) throw error;
      setProblems({ byField: { [error.field]: error.message }, general: [] });
    }
  };
  return { onSubmit, problems, pending: mutation.isPending, done: mutation.isSuccess };
}

export function SubmitButton({ pending, label }: { pending: boolean; label: string }) {
  return (
    <div>
      <button type="submit" disabled={pending}>
        {pending ? 'Saving…' : label}
      </button>
    </div>
  );
}

export class FormInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The trimmed text of a field; undefined when empty (so optional fields are left out). */
export function text(form: FormData, name: string): string | undefined {
  const value = String(form.get(name) ?? '').trim();
  return value || undefined;
}

export function number(form: FormData, name: string): number | undefined {
  const value = text(form, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new FormInputError(name, 'must be a number');
  return parsed;
}
