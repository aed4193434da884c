import { DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { Options } from 'pino-http';
import { env, EnvOf, envSlice } from '@throughline/config';
import { currentHandledEvent } from '@throughline/messaging';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';
import { Actor } from '../auth/actor';
import { CORRELATION_HEADER, currentRequestContext } from '../http/correlation-id';

export const loggingEnvSchema = z.object({
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    description: 'lowest level written (`info` includes one access-log line per request)',
    default: 'info',
  }),
  LOG_FORMAT: env.oneOf(['json', 'pretty'], {
    description: 'one JSON object per line, or coloured text for people',
    default: 'json',
    defaultText: '`json` (`pretty` under `npm start`)',
  }),
});
export type LoggingEnv = EnvOf<typeof loggingEnvSchema>;

/** Probes and scrapes every few seconds would drown the access log. */
const UNLOGGED_PATHS = /^\/(health|metrics)(\/|$|\?)/;

type LoggedRequest = IncomingMessage & { actor?: Actor; route?: { path?: string }; originalUrl?: string };

/**
 * What every line carries besides its message: the organisation, the trace and span, and for
 * consumers the event being handled and its correlation id (a request's correlation id is bound
 * to its logger once, as `correlationId`).
 */
export function logContext(): Record<string, string> {
  const fields: Record<string, string> = {};
  const span = trace.getActiveSpan()?.spanContext();
  if (span && span.traceId !== '00000000000000000000000000000000') {
    fields.traceId = span.traceId;
    fields.spanId = span.spanId;
  }
  const event = currentHandledEvent();
  if (event) {
    fields.eventId = event.id;
    fields.eventType = event.type;
    fields.orgId = event.orgid;
    if (event.correlationid) fields.correlationId = event.correlationid;
    return fields;
  }
  const orgId = currentRequestContext()?.actor?.orgId;
  if (orgId) fields.orgId = orgId;
  return fields;
}

function accessLine(request: LoggedRequest, response: ServerResponse, responseTime: number) {
  return {
    method: request.method,
    route: request.route?.path ?? (request.originalUrl ?? request.url ?? '').split('?')[0],
    status: response.statusCode,
    durationMs: responseTime,
    ...(request.actor ? { orgId: request.actor.orgId } : {}),
  };
}

/**
 * Structured logs through pino (nestjs-pino): Nest's Logger, kafkajs and the messaging library
 * all write through it; one access-log line per request (method, route, status, duration).
 */
export function loggingModule(): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService) => ({ pinoHttp: pinoHttpOptions(envSlice(loggingEnvSchema, config)) }),
  });
}

/** pino-http's options for the services (exported for the logging benchmark). */
export function pinoHttpOptions(settings: LoggingEnv): Options {
  return {
    level: settings.LOG_LEVEL,
    messageKey: 'message',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
    mixin: logContext,
    transport:
      settings.LOG_FORMAT === 'pretty'
        ? {
            target: 'pino-pretty',
            options: { singleLine: true, ignore: 'pid,hostname', messageKey: 'message' },
          }
        : undefined,
    // Credentials never reach the logs: bearer tokens, session cookies, CSRF tokens.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'correlationId', responseTime: 'durationMs' },
    genReqId: (request: IncomingMessage) => String(request.headers[CORRELATION_HEADER] ?? ''),
    autoLogging: { ignore: (request: IncomingMessage) => UNLOGGED_PATHS.test(request.url ?? '') },
    customSuccessObject: (request: IncomingMessage, response: ServerResponse, value: { durationMs: number }) =>
      accessLine(request as LoggedRequest, response, value.durationMs),
    customErrorObject: (
      request: IncomingMessage,
      response: ServerResponse,
      error: Error,
      value: { durationMs: number },
    ) => ({ ...accessLine(request as LoggedRequest, response, value.durationMs), error: error.message }),
    customSuccessMessage: (request: IncomingMessage, response: ServerResponse) =>
      `${request.method} ${(request as LoggedRequest).route?.path ?? request.url} ${response.statusCode}`,
    customErrorMessage: (request: IncomingMessage, response: ServerResponse) =>
      `${request.method} ${(request as LoggedRequest).route?.path ?? request.url} ${response.statusCode}`,
  };
}
