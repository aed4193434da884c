import { CloudEventEnvelopeSchema, CLOUDEVENTS_CONTENT_TYPE } from './envelope';
import { EventDefinition } from './event-definition';
import { EVENT_DEFINITIONS } from './catalogue';
import { createEvent } from './registry';
import { ALL_TOPICS, TopicName } from './topics';

/**
 * The AsyncAPI 3 document of every topic and event type, generated from the catalogue so
 * that it cannot drift from what the services publish. Plain data: no parser, no I/O.
 */

/** What each topic carries and what keys it; a new topic without an entry here does not compile. */
const TOPIC_DOCS: Record<TopicName, { title: string; description: string; key: string }> = {
  'throughline.strategy.organisation': {
    title: 'Organisation',
    description: 'Organisations, org units and people (with reporting lines), published by strategy-service.',
    key: 'the organisation id, so one organisation’s structure changes arrive in order',
  },
  'throughline.strategy.goals': {
    title: 'Goals',
    description:
      'Goals and everything hanging from them (key results, budgets, deliverables, risks), published by strategy-service.',
    key: 'the goal id, so one goal’s events arrive in order',
  },
  'throughline.execution.tasks': {
    title: 'Tasks',
    description:
      'Tasks, their status, progress, cost, hours and quality reports, and key-result check-ins, published by execution-service; the check-ins of measurements other systems push (source /throughline/strategy-service) are published by strategy-service.',
    key: 'the goal id the task serves (unlinked work: the manager’s person id), so a goal’s execution arrives in order',
  },
  'throughline.metrics.scores': {
    title: 'Alignment scores',
    description:
      'Alignment score changes of goals, managers, org units and the organisation, published by metrics-service.',
    key: 'the scored scope’s id',
  },
  'throughline.metrics.alerts': {
    title: 'Alerts',
    description:
      'Alerts raised by metrics-service (drift off track, budget overrun, unlinked work, unmitigated high risk).',
    key: 'the scope’s id',
  },
};

const PLACEMENT =
  'Partition: the one Kafka’s default partitioner (murmur2) gives the organisation id (header ce_orgid), so every event of an organisation is in one partition of the topic, and the events of one key in order.';

/** The CloudEvents attributes every message carries as headers (Kafka protocol binding, binary mode's `ce_` names). */
const HEADERS = {
  type: 'object',
  properties: {
    'content-type': { type: 'string', const: CLOUDEVENTS_CONTENT_TYPE },
    ce_id: { type: 'string', description: 'The envelope’s id.' },
    ce_type: { type: 'string', description: 'The envelope’s type.' },
    ce_orgid: { type: 'string', description: 'The envelope’s orgid: what the partition is chosen by.' },
  },
  required: ['content-type', 'ce_id', 'ce_type', 'ce_orgid'],
};

const PREFIX_NOTE =
  'Deployments may prefix every topic name with KAFKA_TOPIC_PREFIX (empty by default): with KAFKA_TOPIC_PREFIX=acme. this channel is the topic acme.';

/** Fixed metadata so the generated examples (and the document) are byte-for-byte reproducible. */
const EXAMPLE_META = {
  id: '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
  orgId: '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098',
  correlationId: 'c0ffee00-0000-4000-8000-000000000001',
  time: new Date('2026-01-05T09:00:00.000Z'),
};

const SOURCES: Record<string, string> = {
  'throughline.strategy': '/throughline/strategy-service',
  'throughline.execution': '/throughline/execution-service',
  'throughline.metrics': '/throughline/metrics-service',
};

export function eventSource(definition: EventDefinition): string {
  const producer = Object.keys(SOURCES).find((prefix) => definition.topic.startsWith(prefix + '.'));
  return producer ? SOURCES[producer] : '/throughline';
}

/** Which field the partition key is, read off the example (so the description follows the code). */
export function describePartitionKey(definition: EventDefinition): string {
  const key = definition.partitionKey(definition.example, EXAMPLE_META.orgId);
  if (key === EXAMPLE_META.orgId) return 'the organisation id (the envelope’s orgid)';
  const path = findPath(definition.example, key);
  return path ? `data.${path}` : 'derived from data';
}

function findPath(value: unknown, wanted: string, path = ''): string | undefined {
  if (value === wanted) return path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [name, child] of Object.entries(value)) {
    const found = findPath(child, wanted, path ? `${path}.${name}` : name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Plain JSON Schema: TypeBox keeps its bookkeeping in symbols, which JSON drops. */
function jsonSchema(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema));
}

/** The envelope of one event type: CloudEvents attributes, `type` fixed, `data` the event's schema. */
export function envelopeSchemaOf(definition: EventDefinition): Record<string, unknown> {
  const envelope = jsonSchema(CloudEventEnvelopeSchema) as { properties: Record<string, unknown> };
  return {
    ...envelope,
    title: definition.type,
    properties: {
      ...envelope.properties,
      type: { type: 'string', const: definition.type, description: 'Versioned event type.' },
      data: { ...jsonSchema(definition.schema), description: definition.description },
    },
  };
}

export function channelId(topic: TopicName): string {
  return topic.replace(/^throughline\./, '');
}

function operationId(topic: TopicName): string {
  return `receive.${channelId(topic)}`;
}

function messageOf(definition: EventDefinition) {
  const example = createEvent(definition, definition.example, { ...EXAMPLE_META, source: eventSource(definition) });
  const key = `${describePartitionKey(definition)}: ${TOPIC_DOCS[definition.topic].key}`;
  return {
    name: definition.type,
    title: definition.type,
    summary: definition.description,
    description: `Version ${definition.version}. Kafka message key: ${key}. ${PLACEMENT} Value: the CloudEvents 1.0 JSON envelope below; \`data\` follows the schema of ${definition.type}.`,
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    correlationId: { description: 'Follows one change across services.', location: '$message.payload#/correlationid' },
    payload: envelopeSchemaOf(definition),
    headers: { $ref: '#/components/schemas/CloudEventHeaders' },
    bindings: {
      kafka: { key: { type: 'string', description: `Message key: ${key}.` }, bindingVersion: '0.5.0' },
    },
    examples: [{ name: 'example', summary: `Kafka key ${example.key}`, payload: example.envelope }],
  };
}

export interface AsyncApiOptions {
  definitions?: readonly EventDefinition[];
  version?: string;
}

/** The AsyncAPI 3.0 document: one channel per topic, one message per event type and version. */
export function buildAsyncApiDocument(options: AsyncApiOptions = {}): Record<string, unknown> {
  const definitions = [...(options.definitions ?? EVENT_DEFINITIONS)].sort((a, b) => a.type.localeCompare(b.type));
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const topic of ALL_TOPICS) {
    const onTopic = definitions.filter((definition) => definition.topic === topic);
    const docs = TOPIC_DOCS[topic];
    const id = channelId(topic);
    channels[id] = {
      address: topic,
      title: docs.title,
      description: `${docs.description} Message key: ${docs.key}. ${PREFIX_NOTE}${topic}.`,
      messages: Object.fromEntries(
        onTopic.map((definition) => [definition.type, { $ref: `#/components/messages/${definition.type}` }]),
      ),
      bindings: { kafka: { topic, bindingVersion: '0.5.0' } },
    };
    operations[operationId(topic)] = {
      action: 'receive',
      title: `Receive ${docs.title.toLowerCase()} events`,
      summary: `Consume ${topic} (each consumer in its own group reads every event).`,
      channel: { $ref: `#/channels/${id}` },
      messages: onTopic.map((definition) => ({ $ref: `#/channels/${id}/messages/${definition.type}` })),
    };
    for (const definition of onTopic) messages[definition.type] = messageOf(definition);
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Throughline events',
      version: options.version ?? '1.0.0',
      description: [
        'Every change in Throughline is an event on Kafka in a CloudEvents 1.0 JSON envelope (structured mode).',
        'Type names carry their version (….v1); a breaking change publishes a new version next to the old one for a deprecation period.',
        'Consumers deduplicate on the envelope id (delivery is at least once) and rely on the message key for per-aggregate order.',
        'The same envelopes can be received as signed HTTP webhooks from integrations-service (see docs/integrators.md).',
      ].join(' '),
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    servers: {
      local: {
        host: '127.0.0.1:19092',
        protocol: 'kafka',
        description: 'The single-node broker `npm start` runs; in other environments, the brokers in KAFKA_BROKERS.',
      },
    },
    channels,
    operations,
    components: { messages, schemas: { CloudEventHeaders: HEADERS } },
  };
}

/** The document as committed in docs/asyncapi.json. */
export function renderAsyncApiJson(options: AsyncApiOptions = {}): string {
  return `${JSON.stringify(buildAsyncApiDocument(options), null, 2)}\n`;
}
