import { Type } from '@sinclair/typebox';
import { Uuid } from '../schema-types';

export const ROLE_NAMES = ['director', 'manager', 'integrator', 'admin'] as const;

/** The full state of an org unit, carried by its created and updated events. */
export const OrgUnitSnapshotSchema = Type.Object(
  {
    orgUnitId: Uuid(),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    parentOrgUnitId: Type.Union([Uuid(), Type.Null()]),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

/** The full state of a person, carried by their created and updated events. */
export const PersonSnapshotSchema = Type.Object(
  {
    personId: Uuid(),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ format: 'email', maxLength: 320 }),
    role: Type.Union(ROLE_NAMES.map((role) => Type.Literal(role))),
    orgUnitId: Type.Union([Uuid(), Type.Null()]),
    reportsToId: Type.Union([Uuid(), Type.Null()], { description: 'Whom this person reports to' }),
    active: Type.Boolean(),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const exampleOrgUnit = {
  orgUnitId: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
  name: 'Product',
  parentOrgUnitId: null,
  version: 1,
};
export const examplePerson = {
  personId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
  name: 'Mia Manager',
  email: 'mia@example.com',
  role: 'manager' as const,
  orgUnitId: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
  reportsToId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  active: true,
  version: 1,
};
