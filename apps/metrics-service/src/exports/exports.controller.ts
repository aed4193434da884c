import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiProblems,
  CurrentActor,
  invalid,
  spreadsheetDownload,
  SPREADSHEET_MEDIA_TYPES,
} from '@throughline/service-kit';
import { ExportHistoryQueryDto, ExportKpisQueryDto, ExportScoresQueryDto } from './dto/export.dto';
import { ExportsService } from './exports.service';

const FILE = { schema: { type: 'string', format: 'binary' } } as const;

@ApiTags('exports')
@ApiBearerAuth()
@ApiProduces(...Object.values(SPREADSHEET_MEDIA_TYPES))
@Controller('v1/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('scores')
  @ApiOperation({
    summary:
      'Every score you may see as CSV or XLSX: the organisation, units, managers and goals with band and components (a manager: their own)',
  })
  @ApiOkResponse(FILE)
  async scores(@CurrentActor() actor: Actor, @Query() query: ExportScoresQueryDto): Promise<StreamableFile> {
    return spreadsheetDownload(query.format, 'throughline-scores', await this.exports.scoreSheet(actor));
  }

  @Get('score-history')
  @ApiOperation({ summary: "One scope's score over time as CSV or XLSX: every change with band and components" })
  @ApiOkResponse(FILE)
  @ApiProblems(404)
  async history(@CurrentActor() actor: Actor, @Query() query: ExportHistoryQueryDto): Promise<StreamableFile> {
    const id = query.scope === 'organisation' ? actor.orgId : query.id;
    if (!id) throw invalid(`Give the ${query.scope.replace('_', ' ')}'s id.`, 'id');
    const sheet = await this.exports.historySheet(actor, query.scope, id, query);
    return spreadsheetDownload(query.format, `throughline-score-history-${query.scope}`, sheet);
  }

  @Get('kpis')
  @ApiOperation({
    summary:
      "KPIs by week or month as CSV or XLSX: the organisation's (or a unit's) for directors, a manager's own for managers",
  })
  @ApiOkResponse(FILE)
  @ApiProblems(404)
  async kpis(@CurrentActor() actor: Actor, @Query() query: ExportKpisQueryDto): Promise<StreamableFile> {
    return spreadsheetDownload(query.format, 'throughline-kpis', await this.exports.kpiSheet(actor, query));
  }
}
