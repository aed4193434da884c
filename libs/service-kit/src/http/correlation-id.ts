import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
const contexts = new WeakMap<FastifyRequest, RequestContext>();

/** What the current request knows, wherever in its call chain we are (undefined outside requests). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * Every request gets a correlation id (the caller's, if sane), echoed back, carried into
 * events, and a request context that later layers (auth, the outbox) can read.
 */
export function correlateRequests(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const given = request.headers[CORRELATION_HEADER];
    const id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
    request.headers[CORRELATION_HEADER] = id;
    reply.header(CORRELATION_HEADER, id);
    contexts.set(request, { correlationId: id });
    done();
  });
  // The handler runs from the body's last chunk, outside any context begun before it was read.
  app.addHook('preHandler', (request, _reply, done) => {
    const context = contexts.get(request);
    if (context) storage.run(context, done);
    else done();
  });
}

export const CorrelationId = createParamDecorator(
  (_: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<FastifyRequest>().headers[CORRELATION_HEADER] as string,
);
