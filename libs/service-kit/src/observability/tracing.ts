import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Context, Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { env, EnvOf, readEnv } from '@throughline/config';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import { z } from 'zod';

export const tracingEnvSchema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url({
    description:
      'OpenTelemetry collector (OTLP over HTTP, e.g. `http://otel-collector:4318`): traces of requests, outbox, Kafka and consumers go there; tracing is off when unset',
    protocols: ['http', 'https'],
  }),
  OTEL_SERVICE_NAME: env.string({ description: 'service name on its spans', defaultText: "the service's name" }),
  OTEL_TRACES_SAMPLER_ARG: env.string({
    description: 'share of new traces recorded (a trace begun upstream follows its caller’s decision)',
    default: '1',
    pattern: /^(0(\.\d+)?|1(\.0+)?)$/,
    allowed: 'a number from 0 to 1',
  }),
});
export type TracingEnv = EnvOf<typeof tracingEnvSchema>;

export interface Tracing {
  /** Exports what is still buffered. */
  flush(): Promise<void>;
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

/** Probes and scrapes are not traced (they would be most of the spans and tell nothing). */
const UNTRACED = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Starts OpenTelemetry tracing for this process when an OTLP endpoint is configured (or an
 * exporter is given, as tests do): the official Node tracer provider (W3C trace context,
 * AsyncLocalStorage context, batched OTLP/HTTP export). Requests get their server span from
 * `traceRequests`; `libs/messaging` carries the trace through the outbox and Kafka with the API
 * alone. Off (the default), nothing is registered and the API stays a no-op.
 */
export function startTracing(
  serviceName: string,
  settings: TracingEnv = readEnv(tracingEnvSchema),
  exporter?: SpanExporter,
): Tracing | undefined {
  if (started) return started;
  if (!exporter && !settings.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.OTEL_SERVICE_NAME ?? serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(Number(settings.OTEL_TRACES_SAMPLER_ARG)) }),
    spanProcessors: [
      exporter
        ? new SimpleSpanProcessor(exporter)
        : new BatchSpanProcessor(
            new OTLPTraceExporter({ url: `${settings.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/$/, '')}/v1/traces` }),
          ),
    ],
  });
  provider.register();
  started = {
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      started = undefined;
    },
  };
  return started;
}

export function tracingStarted(): boolean {
  return started !== undefined;
}

/**
 * Exports the spans still waiting in the batch when a service stops (Nest's last shutdown phase:
 * the HTTP server is closed and the relay and consumers stopped, so their last spans are in it);
 * without it, up to 5 s of spans, those of the requests drained at shutdown included, would die
 * with the process. A flush rather than a shutdown: services run inside one test process share
 * the provider, and a stopped process needs nothing more.
 */
@Injectable()
export class TracingFlushOnShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await started?.flush();
  }
}

/**
 * The server span of each request (continuing an incoming `traceparent`), named by its route
 * once routed, active while the request is handled. Hooks rather than the http instrumentation:
 * that one patches `http` when it is loaded, which depends on load order and does not happen at
 * all when the services run inside jest, as the tracing test runs them.
 */
export function traceRequests(app: FastifyInstance): void {
  const spans = new WeakMap<FastifyRequest, { span: Span; active: Context }>();
  app.addHook('onRequest', (request, _reply, done) => {
    const path = request.url.split('?')[0];
    if (UNTRACED.test(path)) return done();
    const parent = propagation.extract(context.active(), request.headers);
    const span = trace
      .getTracer('@throughline/service-kit')
      .startSpan(
        request.method,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': path } },
        parent,
      );
    spans.set(request, { span, active: trace.setSpan(parent, span) });
    done();
  });
  // The handler runs from the body's last chunk, outside any context begun before it was read.
  app.addHook('preHandler', (request, _reply, done) => {
    const traced = spans.get(request);
    if (traced) context.with(traced.active, done);
    else done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request)?.span;
    if (span) {
      const route = request.routeOptions.url;
      if (route) {
        span.updateName(`${request.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}
