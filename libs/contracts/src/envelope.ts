import { Static, TSchema, Type } from '@sinclair/typebox';

/**
 * The CloudEvents 1.0 structured-mode JSON envelope every event travels in.
 * `orgid`, `correlationid`, `causationid` and `actorid` are CloudEvents extension attributes
 * (lower-case alphanumeric names, as the spec requires).
 */
export const CloudEventEnvelopeSchema = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String({ format: 'uuid', description: 'Unique per event; consumers deduplicate on it.' }),
    source: Type.String({ minLength: 1, description: 'The producing service, e.g. /throughline/strategy-service.' }),
    type: Type.String({ minLength: 1, description: 'Versioned event type, e.g. throughline.goal.activated.v1.' }),
    subject: Type.String({ minLength: 1, description: 'Id of the aggregate the event is about.' }),
    time: Type.String({ format: 'date-time' }),
    datacontenttype: Type.Literal('application/json'),
    dataschema: Type.Optional(Type.String()),
    orgid: Type.String({ format: 'uuid', description: 'The organisation (tenant) the event belongs to.' }),
    correlationid: Type.String({ minLength: 1, description: 'Follows one change across services.' }),
    causationid: Type.Optional(Type.String({ description: 'Id of the event that caused this one, if any.' })),
    actorid: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'The person whose request made the change; absent when the system reacted to another event.',
      }),
    ),
    data: Type.Unknown(),
  },
  { additionalProperties: false },
);

export type CloudEvent<TData = unknown> = Omit<Static<typeof CloudEventEnvelopeSchema>, 'data'> & { data: TData };

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

export type DataOf<S extends TSchema> = Static<S>;
