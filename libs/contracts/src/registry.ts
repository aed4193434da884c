import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Static, TObject } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import { CloudEvent, CloudEventEnvelopeSchema } from './envelope';
import { EventDefinition } from './event-definition';
import { EVENT_DEFINITIONS } from './catalogue';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addKeyword('kind').addKeyword('modifier');

const validateEnvelope = ajv.compile(CloudEventEnvelopeSchema);
const byType = new Map<string, { definition: EventDefinition; validate: ValidateFunction }>();
for (const definition of EVENT_DEFINITIONS) {
  if (byType.has(definition.type)) throw new Error(`Duplicate event type ${definition.type}`);
  byType.set(definition.type, { definition, validate: ajv.compile(definition.schema) });
}

export function eventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type)?.definition;
}

export class EventValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventValidationError';
  }
}

function describeErrors(validate: ValidateFunction, where: string): string {
  return (validate.errors ?? []).map((error) => `${where}${error.instancePath || ''} ${error.message}`).join('; ');
}

/** Parses and validates an incoming message: the envelope, the known type, and its data. */
export function parseEvent(raw: Buffer | string | null): CloudEvent {
  const value = parseJson(raw);
  if (!validateEnvelope(value))
    throw new EventValidationError(`invalid CloudEvents envelope: ${describeErrors(validateEnvelope, 'envelope')}`);
  const entry = byType.get(value.type);
  if (!entry) throw new EventValidationError(`unknown event type ${value.type}`);
  if (!entry.validate(value.data))
    throw new EventValidationError(`invalid ${value.type} data: ${describeErrors(entry.validate, 'data')}`);
  return value as CloudEvent;
}

function parseJson(raw: Buffer | string | null): unknown {
  if (raw === null) throw new EventValidationError('message has no value');
  try {
    return JSON.parse(raw.toString());
  } catch {
    throw new EventValidationError('message value is not JSON');
  }
}

export interface EventMetadata {
  source: string;
  orgId: string;
  correlationId: string;
  causationId?: string;
  actorId?: string;
  time?: Date;
  id?: string;
}

export interface OutgoingEvent {
  topic: string;
  key: string;
  envelope: CloudEvent;
}

/** Builds a validated envelope for a definition: producers never emit what consumers would refuse. */
export function createEvent<S extends TObject>(
  definition: EventDefinition<S>,
  data: Static<S>,
  meta: EventMetadata,
): OutgoingEvent {
  const entry = byType.get(definition.type);
  if (!entry) throw new EventValidationError(`event type ${definition.type} is not registered`);
  if (!entry.validate(data))
    throw new EventValidationError(`invalid ${definition.type} data: ${describeErrors(entry.validate, 'data')}`);
  const envelope: CloudEvent = {
    specversion: '1.0',
    id: meta.id ?? randomUUID(),
    source: meta.source,
    type: definition.type,
    subject: definition.subject(data),
    time: (meta.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    dataschema: `urn:throughline:schema:${definition.type}`,
    orgid: meta.orgId,
    correlationid: meta.correlationId,
    ...(meta.causationId ? { causationid: meta.causationId } : {}),
    ...(meta.actorId ? { actorid: meta.actorId } : {}),
    data,
  };
  return { topic: definition.topic, key: definition.partitionKey(data, meta.orgId), envelope };
}

export function isEvent<S extends TObject>(
  event: CloudEvent,
  definition: EventDefinition<S>,
): event is CloudEvent<Static<S>> {
  return event.type === definition.type;
}
