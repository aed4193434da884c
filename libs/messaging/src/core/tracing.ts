import {
  Attributes,
  context,
  Context,
  Link,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { IHeaders, KafkaMessage } from 'kafkajs';

/**
 * Trace context through the outbox and Kafka, with the OpenTelemetry API only: without an SDK
 * registered (tracing off) every call here is a no-op that allocates next to nothing.
 *
 * A change stores the W3C `traceparent` of its request with its outbox row; the relay publishes
 * each row in a producer span that continues it and puts that span's context in the message
 * headers (`traceparent`, which OpenTelemetry propagators read, and `ce_traceparent`, the
 * CloudEvents distributed-tracing extension attribute in the Kafka binding); a consumer applies
 * what it read in a consumer span that continues it, so whatever its handlers publish continues
 * the same trace.
 */
const tracer = () => trace.getTracer('@throughline/messaging');

export const TRACEPARENT_HEADERS = ['traceparent', 'ce_traceparent'] as const;

/** The active span's W3C traceparent, to store with an outbox row; undefined when nothing is traced. */
export function activeTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span || !trace.isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

function contextOf(traceparent: string): Context {
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** Publishing one outbox row: a producer span continuing the row's trace, and the headers that carry it on. */
export function startPublishSpan(
  traceparent: string,
  topic: string,
  event: { id: string; type: string },
): { span: Span; headers: Record<string, string> } {
  const parent = contextOf(traceparent);
  const span = tracer().startSpan(
    `publish ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.message.id': event.id,
        'cloudevents.event_id': event.id,
        'cloudevents.event_type': event.type,
      },
    },
    parent,
  );
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), carrier);
  const headers: Record<string, string> = {};
  if (carrier.traceparent) for (const name of TRACEPARENT_HEADERS) headers[name] = carrier.traceparent;
  return { span, headers };
}

export function endSpans(spans: Span[], error?: unknown): void {
  for (const span of spans) {
    if (error !== undefined) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    }
    span.end();
  }
}

export function traceparentOf(headers: IHeaders | undefined): string | undefined {
  for (const name of TRACEPARENT_HEADERS) {
    const value = headers?.[name];
    if (value !== undefined) return String(value);
  }
  return undefined;
}

/**
 * Runs `apply` (the transaction applying consumed messages) in a consumer span. One message's
 * span continues its trace; a batch's continues the first traced message's trace and links the
 * others', since what the batch's handlers defer to the commit belongs to all of them.
 */
export async function inConsumeSpan<T>(
  topic: string,
  groupId: string,
  messages: Array<{ message: KafkaMessage; event: { id: string; type: string } }>,
  apply: () => Promise<T>,
): Promise<T> {
  const contexts = messages
    .map(({ message }) => traceparentOf(message.headers))
    .filter((traceparent): traceparent is string => traceparent !== undefined)
    .map(contextOf);
  const parent = contexts[0] ?? ROOT_CONTEXT;
  const links: Link[] = contexts
    .slice(1)
    .map((linked) => trace.getSpanContext(linked))
    .filter((linked) => linked !== undefined)
    .map((linked) => ({ context: linked! }));
  const attributes: Attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': topic,
    'messaging.consumer.group.name': groupId,
    'messaging.batch.message_count': messages.length,
  };
  if (messages.length === 1) {
    attributes['messaging.message.id'] = messages[0].event.id;
    attributes['cloudevents.event_id'] = messages[0].event.id;
    attributes['cloudevents.event_type'] = messages[0].event.type;
  }
  const span = tracer().startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), apply);
    endSpans([span]);
    return result;
  } catch (error) {
    endSpans([span], error);
    throw error;
  }
}
