import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { buildAsyncApiDocument } from '@throughline/contracts';
import { Public } from '@throughline/service-kit';

/** The event catalogue as AsyncAPI 3, next to the OpenAPI document: public, like the rest of /docs. */
@ApiExcludeController()
@Public()
@Controller('docs')
export class CatalogueController {
  private readonly document = buildAsyncApiDocument();

  @Get('asyncapi.json')
  @Header('cache-control', 'public, max-age=300')
  asyncApi(): Record<string, unknown> {
    return this.document;
  }
}
