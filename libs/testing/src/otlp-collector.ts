import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** One span as an OTLP/HTTP JSON export carries it (ids in hex). */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  /** `service.name` of the resource that exported it. */
  service?: string;
}

export interface OtlpCollector {
  /** Give a service `OTEL_EXPORTER_OTLP_ENDPOINT=<url>/<channel>` to tell its exports apart by channel. */
  url: string;
  /** Spans received on a channel (or on all), counted as they arrive without decoding them. */
  spanCount(channel?: string): number;
  spans(channel?: string): CollectedSpan[];
  stop(): Promise<void>;
}

interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: Array<Omit<CollectedSpan, 'service'>> }>;
  }>;
}

/**
 * A stand-in OpenTelemetry collector on a free local port: accepts OTLP/HTTP JSON trace exports
 * (what the services send when OTEL_EXPORTER_OTLP_ENDPOINT is set), answers 200 and keeps them.
 */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const bodies: Array<{ channel: string; body: string; count: number }> = [];
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('/').filter(Boolean);
    const channel = path.length > 2 ? path[0] : '';
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      // Every span has exactly one "spanId" key (its parent's is "parentSpanId").
      bodies.push({ channel, body, count: body.match(/"spanId":/g)?.length ?? 0 });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const received = (channel?: string) => bodies.filter((entry) => channel === undefined || entry.channel === channel);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spanCount: (channel) => received(channel).reduce((sum, entry) => sum + entry.count, 0),
    spans: (channel) =>
      received(channel).flatMap(({ body }) =>
        ((JSON.parse(body) as ExportRequest).resourceSpans ?? []).flatMap((resourceSpans) => {
          const service = resourceSpans.resource?.attributes?.find((attribute) => attribute.key === 'service.name')
            ?.value.stringValue;
          return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
            (scope.spans ?? []).map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: span.kind,
              service,
            })),
          );
        }),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
