import { DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { LoggerOptions } from 'pino';
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

/**
 * What every line carries besides its message: the trace and span, and the correlation id and
 * organisation of the request or consumed event it was written for.
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
  const request = currentRequestContext();
  if (request?.actor) fields.orgId = request.actor.orgId;
  if (request) fields.correlationId = request.correlationId;
  return fields;
}

/**
 * Structured logs through pino (nestjs-pino): Nest's Logger, kafkajs and the messaging library
 * all write through the one root logger; `logAccess` adds one line per request. pino-http's own
 * middleware is not mounted (no routes): its child logger, serializers and header redaction per
 * request cost more CPU than the rest of a cheap read's middleware together, and everything it
 * bound (the correlation id) comes from the request context (logContext) instead.
 */
export function loggingModule(): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService) => ({
      pinoHttp: loggerOptions(envSlice(loggingEnvSchema, config)),
      forRoutes: [],
    }),
  });
}

/** pino's options for the services' root logger. */
function loggerOptions(settings: LoggingEnv): LoggerOptions {
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
  };
}

type AnsweredRequest = FastifyRequest & { actor?: Actor };

/**
 * One access line per answered request: method, route (the matched pattern, not the URL), status,
 * duration and the organisation; the correlation id comes with every line. No headers: they
 * would carry credentials. Answers of 500 and above are logged as errors.
 */
export function logAccess(app: FastifyInstance): void {
  app.addHook('onResponse', (request: AnsweredRequest, reply, done) => {
    if (UNLOGGED_PATHS.test(request.url)) return done();
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    const status = reply.statusCode;
    const correlationId = request.headers[CORRELATION_HEADER];
    PinoLogger.root[status >= 500 ? 'error' : 'info'](
      {
        method: request.method,
        route,
        status,
        durationMs: Math.round(reply.elapsedTime),
        ...(correlationId ? { correlationId } : {}),
        ...(request.actor ? { orgId: request.actor.orgId } : {}),
      },
      `${request.method} ${route} ${status}`,
    );
    done();
  });
}
