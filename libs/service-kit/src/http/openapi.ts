import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PageMetaDto } from './pagination';

/** OpenAPI for an update guarded by optimistic concurrency. */
export function ApiIfMatch(): MethodDecorator {
  return applyDecorators(
    ApiHeader({ name: 'If-Match', required: true, description: 'The ETag (version) you last read, e.g. "1"' }),
    ApiResponse({ status: 412, description: 'The resource changed since you read it: read it again and retry' }),
    ApiResponse({ status: 428, description: 'If-Match is missing' }),
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
