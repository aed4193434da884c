import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

export const CORRELATION_HEADER = 'x-correlation-id';
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,100}$/;

/** Every request gets a correlation id (the caller's, if sane), echoed back and carried into events. */
export function correlationIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  const given = request.header(CORRELATION_HEADER);
  const id = given && ACCEPTABLE.test(given) ? given : randomUUID();
  request.headers[CORRELATION_HEADER] = id;
  response.setHeader(CORRELATION_HEADER, id);
  next();
}

export const CorrelationId = createParamDecorator((_: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<Request>().header(CORRELATION_HEADER)!);
