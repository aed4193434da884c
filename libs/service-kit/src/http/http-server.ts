import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProblemDetailsFilter } from './problem-details.filter';

const MAX_PARAM_LENGTH = 1000;

/**
 * Fastify as every HTTP app here runs it under Nest (the services and the dashboard's
 * backend-for-frontend): the same request costs a fraction of Express's CPU (`bench/http-floor.ts`).
 */
export function httpAdapter(options: Pick<FastifyServerOptions, 'trustProxy'> = {}): FastifyAdapter {
  // The router's refusals come before Nest and its filters; no body limit is quoted in them.
  const problems = new ProblemDetailsFilter();
  return new FastifyAdapter({
    ...options,
    // A path parameter is checked by its handler (a 400 that names it) up to this length, not
    // Fastify's 100; `/v1/goals/` is `/v1/goals`, as it was on Express.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: true },
    // Once closing, a request on a connection still open is served and its answer closes the
    // connection (ConnectionDraining), rather than refused with a bare 503.
    return503OnClosing: false,
    // Node's own limit, which Fastify turns off: a client that never finishes its request is cut off.
    requestTimeout: 300_000,
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      problems.answer(routerRefusal(error), request, reply),
  });
}

/** The router's refusals, without the URL it quotes (which may be kilobytes long). */
function routerRefusal(error: FastifyError): HttpException {
  return error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? new HttpException(`A path parameter is longer than ${MAX_PARAM_LENGTH} characters.`, HttpStatus.URI_TOO_LONG)
    : new BadRequestException('The URL is not valid: a part of its path is not well encoded.');
}

/** A middleware written for Node's own request and response (helmet, compression). */
export type NodeMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** A middleware written for Node's request and response (helmet) as a Fastify hook. */
export function nodeMiddlewareHook(middleware: NodeMiddleware) {
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void =>
    middleware(request.raw, reply.raw, (error) => done(error as Error | undefined));
}
