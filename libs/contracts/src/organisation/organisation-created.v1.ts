import { Type } from '@sinclair/typebox';
import { defineEvent } from '../event-definition';
import { IsoDateTime, Uuid } from '../schema-types';
import { Topics } from '../topics';

export const OrganisationCreatedV1 = defineEvent({
  type: 'throughline.organisation.created.v1',
  version: 1,
  topic: Topics.Organisation,
  description: 'A new organisation (tenant) exists.',
  schema: Type.Object(
    { organisationId: Uuid(), name: Type.String({ minLength: 1, maxLength: 200 }), createdAt: IsoDateTime() },
    { additionalProperties: false },
  ),
  partitionKey: (_, orgId) => orgId,
  subject: (data) => data.organisationId,
  example: {
    organisationId: '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098',
    name: 'Acme Devices',
    createdAt: '2026-01-02T08:00:00.000Z',
  },
});
