import { Type } from '@sinclair/typebox';

/** Small shared building blocks of the event schemas. */
export const Uuid = (description?: string) => Type.String({ format: 'uuid', description });
export const IsoDate = (description?: string) => Type.String({ format: 'date', description });
export const IsoDateTime = (description?: string) => Type.String({ format: 'date-time', description });
export const Currency = () => Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
/** Money as an integer number of minor units (cents): never floating point. */
export const MinorUnits = (description?: string) =>
  Type.Integer({ minimum: 0, description: description ?? 'Amount in minor units (e.g. cents)' });
export const Weight = () => Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'Relative weight' });
