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

export const invalid = (message: string, field?: string) =>
  new DomainError('invalid', message, field ? [{ field, message }] : []);
export const conflict = (message: string) => new DomainError('conflict', message);
export const notFound = (what: string, id: string) => new DomainError('not_found', `${what} ${id} does not exist`);
