import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { PageMetaDto } from '@throughline/service-kit';

/** Documents a list endpoint's answer as `{ items: Model[], page }`. (Strategy has the same helper; it belongs in service-kit.) */
export function ApiPageResponse(model: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(model, PageMetaDto),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['items', 'page'],
        properties: { items: { type: 'array', items: { $ref: getSchemaPath(model) } }, page: { $ref: getSchemaPath(PageMetaDto) } },
      },
    }),
  );
}
