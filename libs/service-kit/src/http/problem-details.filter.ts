import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { DomainError, FieldProblem } from '../domain/domain-error';
import { formatOfMediaType } from '../spreadsheets/spreadsheet-format';

export const PROBLEM_JSON = 'application/problem+json';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldProblem[];
  correlationId?: string;
}

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  invalid: HttpStatus.UNPROCESSABLE_ENTITY,
  conflict: HttpStatus.CONFLICT,
  not_found: HttpStatus.NOT_FOUND,
  stale: HttpStatus.PRECONDITION_FAILED,
  forbidden: HttpStatus.FORBIDDEN,
};

/** Problem `title`s per status; `detail` says what to fix. */
const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable entity',
  428: 'Precondition required',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Every error leaves as RFC 9457 problem+json; internals (stack, SQL) never do. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  /** The limits as configured (HTTP_BODY_LIMIT, SPREADSHEET_UPLOAD_LIMIT), quoted when a body is too large. */
  constructor(
    private readonly bodyLimit = '256kb',
    private readonly uploadLimit = '20mb',
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.answer(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /** Answers the request with the exception's problem (also for what the router refuses before Nest). */
  answer(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const problem = this.toProblem(exception, request);
    // A 5xx the code chose (a dependency away, "try again in a moment") is worth a line; only the unexpected needs its stack.
    if (problem.status >= 500 && exception instanceof HttpException)
      this.logger.warn(`${request.method} ${request.url} answered ${problem.status}: ${problem.detail}`);
    else if (problem.status >= 500)
      this.logger.error(`${request.method} ${request.url} failed`, (exception as Error)?.stack);
    if (problem.status === 401) reply.header('www-authenticate', bearerChallenge(request, problem.detail));
    reply.status(problem.status).type(PROBLEM_JSON).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, request: FastifyRequest): ProblemDetails {
    const base = {
      instance: request.url,
      correlationId: header(request, 'x-correlation-id'),
    };
    if (exception instanceof DomainError) {
      const status = DOMAIN_STATUS[exception.kind];
      return {
        type: `https://throughline.dev/problems/${exception.kind.replace('_', '-')}`,
        title: TITLES[status],
        status,
        detail: exception.message,
        errors: exception.fields.length ? exception.fields : undefined,
        ...base,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse() as string | { message?: string | string[]; errors?: FieldProblem[] };
      const errors = typeof body === 'object' ? body.errors : undefined;
      const message =
        typeof body === 'string'
          ? body
          : Array.isArray(body.message)
            ? body.message.join('; ')
            : (body.message ?? exception.message);
      return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail: message, errors, ...base };
    }
    if (isClientHttpError(exception)) {
      // Raised before the handler (the body parsers): malformed, refused keys, or an unreadable type.
      const status = exception.status;
      const detail =
        status === 413
          ? `The request body is larger than the limit of ${formatOfMediaType(header(request, 'content-type')) ? this.uploadLimit : this.bodyLimit}.`
          : `The request body was refused: ${exception.message}`;
      return { type: 'about:blank', title: TITLES[status] ?? 'Bad request', status, detail, ...base };
    }
    if (exception instanceof QueryFailedError && (exception as unknown as { code?: string }).code === '22P02') {
      return {
        type: 'about:blank',
        title: TITLES[400],
        status: 400,
        detail: 'A value in the request has the wrong format.',
        ...base,
      };
    }
    return {
      type: 'about:blank',
      title: TITLES[500],
      status: 500,
      detail: 'An unexpected error occurred; it has been logged with the correlation id.',
      ...base,
    };
  }
}

/**
 * RFC 6750's challenge: a request without a token is told the scheme; one with a refused token
 * also gets `invalid_token` and why.
 */
function bearerChallenge(request: FastifyRequest, detail: string): string {
  if (!/^Bearer\s/i.test(header(request, 'authorization') ?? '')) return 'Bearer realm="throughline"';
  return `Bearer realm="throughline", error="invalid_token", error_description="${detail.replace(/["\\]/g, "'")}"`;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Errors of the http-errors shape (the body parsers') that are the client's fault and safe to describe. */
function isClientHttpError(exception: unknown): exception is { status: number; message: string } {
  const candidate = exception as { status?: unknown; expose?: unknown };
  return (
    typeof candidate?.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500 &&
    candidate.expose === true
  );
}
