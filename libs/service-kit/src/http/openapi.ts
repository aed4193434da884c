import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PageMetaDto } from './pagination';
import { PROBLEM_DESCRIPTIONS } from './openapi-document';

/** OpenAPI for an update guarded by optimistic concurrency. */
export function ApiIfMatch(): MethodDecorator {
  return applyDecorators(
    ApiHeader({ name: 'If-Match', required: true, description: 'The ETag (version) you last read, e.g. "1"' }),
    ApiProblems(412, 428),
  );
}

/** OpenAPI for a list endpoint: `{ items: [model], page: { limit, offset, total } }`. */
export function ApiPageResponse(model: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(PageMetaDto, model),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['items', 'page'],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(model) } },
          page: { $ref: getSchemaPath(PageMetaDto) },
        },
      },
    }),
  );
}

/**
 * Declares the error statuses an operation answers beyond those every guarded operation documents
 * (see openapi-document.ts); each gets the problem+json body.
 */
export function ApiProblems(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: PROBLEM_DESCRIPTIONS[status] })),
  );
}
