/** RFC 9457 problem details as the services answer them: `errors` names each field and what to fix. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
}

/** A refused or failed API call, carrying the problem the service (or the BFF) described. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }
}

/** Reads a problem from any error body: a proper problem+json, a bare message, or nothing at all (a proxy's 502). */
export function toProblem(status: number, body: unknown): Problem {
  if (body && typeof body === 'object') {
    const { title, detail, errors, type } = body as Partial<Problem> & { message?: unknown };
    const message = (body as { message?: unknown }).message;
    return {
      type,
      status,
      title: typeof title === 'string' ? title : statusTitle(status),
      detail: typeof detail === 'string' ? detail : typeof message === 'string' ? message : undefined,
      errors: Array.isArray(errors) ? errors.filter(isFieldProblem) : undefined,
    };
  }
  return { status, title: statusTitle(status), detail: typeof body === 'string' && body ? body : undefined };
}

function isFieldProblem(value: unknown): value is FieldProblem {
  const problem = value as FieldProblem;
  return typeof problem?.field === 'string' && typeof problem?.message === 'string';
}

function statusTitle(status: number): string {
  if (status === 0) return 'The server could not be reached';
  if (status >= 500) return 'The service is not available right now';
  return 'The request was refused';
}

export interface FormProblems {
  /** Messages for fields the form shows, keyed by the field's name (nested ones dotted: budget.amountMinor). */
  byField: Record<string, string>;
  /** Everything else, shown at the top of the form. */
  general: string[];
}

/** Splits a problem into messages at the form's fields and the rest, so each error is shown where it can be fixed. */
export function formProblems(problem: Problem, fields: readonly string[]): FormProblems {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const { field, message } of problem.errors ?? []) {
    const match = fields.find((name) => field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`));
    if (match) byField[match] = byField[match] ? `${byField[match]}; ${message}` : message;
    else general.push(`${field}: ${message}`);
  }
  if (!problem.errors?.length) general.push(problem.detail ?? problem.title);
  return { byField, general };
}
