import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, ApiPageResponse, CorrelationId, CurrentActor, Page, PageQueryDto } from '@throughline/service-kit';
import { CheckInDto, CheckInView, KeyResultListQueryDto, KeyResultView } from './dto/key-result.dto';
import { KeyResultsService } from './key-results.service';

@ApiTags('key results')
@ApiBearerAuth()
@Controller('v1/key-results')
export class KeyResultsController {
  constructor(private readonly keyResults: KeyResultsService) {}

  @Get()
  @ApiOperation({
    summary: "Key results with their latest check-in: a manager's are those of the goals they have tasks on",
  })
  @ApiPageResponse(KeyResultView)
  list(@CurrentActor() actor: Actor, @Query() query: KeyResultListQueryDto): Promise<Page<KeyResultView>> {
    return this.keyResults.list(actor, query);
  }

  @Get(':keyResultId/check-ins')
  @ApiOperation({ summary: 'The check-ins of a key result, latest measurement first' })
  @ApiPageResponse(CheckInView)
  listCheckIns(
    @CurrentActor() actor: Actor,
    @Param('keyResultId', ParseUUIDPipe) keyResultId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<CheckInView>> {
    return this.keyResults.listCheckIns(actor, keyResultId, query);
  }

  @Post(':keyResultId/check-ins')
  @ApiOperation({
    summary: 'Check in a measured value (with the day measured and a note) for a key result of a goal you work on',
  })
  @ApiCreatedResponse({ type: CheckInView })
  @ApiResponse({ status: 403, description: 'Not a manager, or no task of yours on the goal' })
  @ApiResponse({ status: 404, description: 'No such key result in your organisation (or it was removed)' })
  @ApiResponse({ status: 409, description: 'The goal is no longer active' })
  @ApiResponse({ status: 422, description: 'measuredOn is in the future' })
  checkIn(
    @CurrentActor() actor: Actor,
    @Param('keyResultId', ParseUUIDPipe) keyResultId: string,
    @Body() body: CheckInDto,
    @CorrelationId() correlationId: string,
  ): Promise<CheckInView> {
    return this.keyResults.checkIn(actor, keyResultId, body, correlationId);
  }
}
