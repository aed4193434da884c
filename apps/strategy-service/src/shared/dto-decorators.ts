import { applyDecorators } from '@nestjs/common';
import { IsISO8601, IsNumber, IsPositive, Matches, Max } from 'class-validator';

/** A calendar day, YYYY-MM-DD (string comparison is then date comparison). */
export function IsIsoDay(field: string): PropertyDecorator {
  return applyDecorators(
    IsISO8601({ strict: true }, { message: `${field} must be a real calendar date` }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: `${field} must be a date YYYY-MM-DD` }),
  );
}

/** A relative weight: positive, at most 1000 (the contracts' Weight). */
export function IsWeight(): PropertyDecorator {
  return applyDecorators(IsNumber({ allowNaN: false, allowInfinity: false }), IsPositive(), Max(1000));
}
