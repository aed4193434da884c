import {
  Body,
  Controller,
  Get,
  HttpException,
  HttpStatus,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  Actor,
  CorrelationId,
  CurrentActor,
  formatOfMediaType,
  SPREADSHEET_MEDIA_TYPES,
  spreadsheetDownload,
  SpreadsheetFormatQueryDto,
} from '@throughline/service-kit';
import { PlanImportQueryDto, PlanImportView } from './dto/plan-import.dto';
import { PlanExportService } from './plan-export.service';
import { PlanImportService } from './plan-import.service';
import { planTemplate } from './plan-template';

const SPREADSHEETS = Object.values(SPREADSHEET_MEDIA_TYPES);

@ApiTags('plan spreadsheets')
@ApiBearerAuth()
@Controller('v1/plan')
export class PlanSpreadsheetsController {
  constructor(
    private readonly imports: PlanImportService,
    private readonly exports: PlanExportService,
  ) {}

  @Get('template')
  @ApiOperation({
    summary:
      'The plan import template (every column, example rows of each kind); the columns are in docs/spreadsheets.md',
  })
  @ApiProduces(...SPREADSHEETS)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  template(@Query() query: SpreadsheetFormatQueryDto): Promise<StreamableFile> {
    return spreadsheetDownload(query.format, 'throughline-plan-template', planTemplate());
  }

  @Get('export')
  @ApiOperation({
    summary:
      'The draft and active goals you see, with key results, deliverables and budget allocations, in the import layout',
  })
  @ApiProduces(...SPREADSHEETS)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async export(@CurrentActor() actor: Actor, @Query() query: SpreadsheetFormatQueryDto): Promise<StreamableFile> {
    return spreadsheetDownload(query.format, 'throughline-plan', await this.exports.plan(actor));
  }

  @Post('imports')
  @ApiOperation({
    summary:
      'Import a plan from CSV (UTF-8) or XLSX (directors). ?dryRun=true checks every row and changes nothing; a commit creates everything through the same rules and events as the API, or nothing (422 with the rows to fix). The same file committed again changes nothing and answers the first result.',
  })
  @ApiConsumes(...SPREADSHEETS)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: PlanImportView, description: 'A dry run, or a file that was already imported' })
  @ApiCreatedResponse({ type: PlanImportView, description: 'The plan was imported' })
  @ApiUnprocessableEntityResponse({ description: 'Rows with problems (errors: row and column, what to fix)' })
  async import(
    @CurrentActor() actor: Actor,
    @Query() query: PlanImportQueryDto,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<PlanImportView> {
    const format = formatOfMediaType(request.headers['content-type']);
    if (!format || !Buffer.isBuffer(body))
      throw new HttpException(
        { message: `Send the file as the body with content-type ${SPREADSHEETS.join(' or ')}.` },
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    const dryRun = query.dryRun === 'true';
    const result = await this.imports.import(actor, body, format, dryRun, correlationId);
    response.status(dryRun || result.alreadyImported ? HttpStatus.OK : HttpStatus.CREATED);
    return result;
  }
}
