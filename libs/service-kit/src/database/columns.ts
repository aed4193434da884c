import { ValueTransformer } from 'typeorm';

/** bigint columns hold money in minor units; pg returns them as strings. Amounts stay within 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (value?: number | null) => value,
  from: (value?: string | null) => (value === null || value === undefined ? value : Number(value)),
};
