import {
  applyDecorators,
  ArgumentMetadata,
  BadRequestException,
  HttpException,
  HttpStatus,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { IsString, Matches, MaxLength } from 'class-validator';
import { FieldProblem } from '../domain/domain-error';

/** class-validator's errors as one problem per field and rule (nested fields dotted: budget.currency). */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** 400 naming every field and what is wrong with it. */
export function badRequest(fields: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    message: fields.map((problem) => `${problem.field}: ${problem.message}`).join('; '),
    errors: fields,
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text PostgreSQL cannot store as sent: the NUL character (refused by text and jsonb) and lone
 * UTF-16 surrogates (which would be stored silently replaced by U+FFFD).
 */
function unstorableText(value: unknown, field: string, found: FieldProblem[] = []): FieldProblem[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push({ field, message: `${field} must not contain the NUL character` });
    else if (LONE_SURROGATE.test(value)) found.push({ field, message: `${field} must be well-formed Unicode text` });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unstorableText(item, `${field}.${index}`, found));
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      const path = field ? `${field}.${key}` : key;
      unstorableText(key, path, found);
      unstorableText(item, path, found);
    }
  }
  return found;
}

type DtoClass = { prototype: object };
const SCALARS = new Map<unknown, string>([
  [String, 'a string'],
  [Number, 'a number'],
  [Boolean, 'a boolean'],
]);

/**
 * Values a DTO's declarations refuse before class-transformer sees them: an object where a
 * scalar is declared (converting `{"toString": …}` to a number throws), and null where the
 * OpenAPI declaration does not say `nullable` (IsOptional alone would let it through).
 */
function declarationProblems(body: Record<string, unknown>, dto: DtoClass): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const documented = (Reflect.getMetadata('swagger/apiModelPropertiesArray', dto.prototype) ?? []) as string[];
  for (const name of documented.map((entry) => entry.replace(/^:/, ''))) {
    if (!(name in body)) continue;
    const value = body[name];
    const declared = Reflect.getMetadata('swagger/apiModelProperties', dto.prototype, name) as
      { nullable?: boolean } | undefined;
    if (value === null && !declared?.nullable) problems.push({ field: name, message: `${name} must not be null` });
    const scalar = SCALARS.get(Reflect.getMetadata('design:type', dto.prototype, name));
    if (scalar && value !== null && typeof value === 'object')
      problems.push({ field: name, message: `${name} must be ${scalar}` });
  }
  return problems;
}

/**
 * Strict input: unknown fields are refused, types converted only where declared, every problem
 * named by field; text PostgreSQL cannot store, type-confused objects and undeclared nulls are
 * refused the same way in every service, and a body that is not JSON answers 415.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype && metadata.metatype !== Object ? (metadata.metatype as DtoClass) : undefined;
    if (metadata.type === 'body' && dto && Buffer.isBuffer(value))
      throw new HttpException({ message: 'Send this body as application/json.' }, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    if (metadata.type !== 'custom') {
      const problems = unstorableText(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (dto && value && typeof value === 'object' && !Array.isArray(value))
        problems.push(...declarationProblems(value as Record<string, unknown>, dto));
      if (problems.length) throw badRequest(problems);
    }
    return super.transform(value, metadata);
  }
}

export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => badRequest(fieldProblems(errors)),
  });
}

/**
 * Text people read as a name, title or reason: a string with something besides whitespace, at
 * most `maxLength` characters. The one rule for such fields in every service.
 */
export function IsNonBlank(maxLength: number): PropertyDecorator {
  return applyDecorators(IsString(), Matches(/\S/, { message: '$property must not be blank' }), MaxLength(maxLength));
}
