/**
 * Errors of the domain rules, free of any framework: the HTTP layer maps `kind` to a
 * status (invalid → 422, conflict → 409, not found → 404, stale → 412).
 */
export type DomainErrorKind = 'invalid' | 'conflict' | 'not_found' | 'stale' | 'forbidden';

export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Bad input (422): the message, and the field it is about (or each field with its own message). */
export const invalid = (message: string, fields?: string | FieldProblem[]) =>
  new DomainError('invalid', message, typeof fields === 'string' ? [{ field: fields, message }] : (fields ?? []));
export const conflict = (message: string, fields?: FieldProblem[]) => new DomainError('conflict', message, fields);
export const notFound = (what: string, id: string, message = `${what} ${id} does not exist`) =>
  new DomainError('not_found', message);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const stale = (message: string) => new DomainError('stale', message);

/**
 * Optimistic concurrency (If-Match): the version the client read must still be the current
 * one, else 412. `subject` names what was read, e.g. `Task 8f…` or `The settings`.
 */
export function assertVersion(subject: string, currentVersion: number, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && currentVersion !== expectedVersion)
    throw stale(
      `${subject} is at version ${currentVersion}, not ${expectedVersion}: read it again and reapply your change.`,
    );
}
