import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Actor } from '../auth/actor';

export const CORRELATION_HEADER = 'x-correlation-id';
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,100}$/;

export interface RequestContext {
  correlationId: string;
  /** Set once the bearer token is verified. */
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** What the current request knows, wherever in its call chain we are (undefined outside requests). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * Every request gets a correlation id (the caller's, if sane), echoed back, carried into
 * events, and a request context that later layers (auth, the outbox) can read.
 */
export function correlationIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  const given = request.header(CORRELATION_HEADER);
  const id = given && ACCEPTABLE.test(given) ? given : randomUUID();
  request.headers[CORRELATION_HEADER] = id;
  response.setHeader(CORRELATION_HEADER, id);
  storage.run({ correlationId: id }, next);
}

export const CorrelationId = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  context.switchToHttp().getRequest<Request>().header(CORRELATION_HEADER)!,
);
