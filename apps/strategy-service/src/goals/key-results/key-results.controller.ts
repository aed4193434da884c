import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  Actor,
  ApiPageResponse,
  CorrelationId,
  CurrentActor,
  IfMatch,
  Page,
  PageQueryDto,
  withETag,
} from '@throughline/service-kit';
import { KeyResultsService } from './key-results.service';
import { CreateKeyResultDto, KeyResultView, UpdateKeyResultDto } from './dto/key-result.dto';

@ApiTags('key results')
@ApiBearerAuth()
@Controller('v1/goals/:goalId/key-results')
export class KeyResultsController {
  constructor(private readonly keyResults: KeyResultsService) {}

  @Post()
  @ApiOperation({ summary: 'Add a key result: a KPI with category, unit, baseline, target and direction' })
  @ApiCreatedResponse({ type: KeyResultView })
  async add(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Body() body: CreateKeyResultDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<KeyResultView> {
    return withETag(response, await this.keyResults.add(actor, goalId, body, correlationId));
  }

  @Get()
  @ApiOperation({ summary: "The goal's key results" })
  @ApiPageResponse(KeyResultView)
  list(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<KeyResultView>> {
    return this.keyResults.list(actor, goalId, query);
  }

  @Get(':keyResultId')
  @ApiOperation({ summary: 'A key result; the ETag is its version' })
  @ApiOkResponse({ type: KeyResultView })
  async get(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('keyResultId', ParseUUIDPipe) keyResultId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<KeyResultView> {
    return withETag(response, await this.keyResults.get(actor, goalId, keyResultId));
  }

  @Patch(':keyResultId')
  @ApiOperation({ summary: 'Change a key result (the target must still lie in its direction from the baseline)' })
  @ApiOkResponse({ type: KeyResultView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('keyResultId', ParseUUIDPipe) keyResultId: string,
    @Body() body: UpdateKeyResultDto,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<KeyResultView> {
    return withETag(response, await this.keyResults.update(actor, goalId, keyResultId, body, version, correlationId));
  }

  @Delete(':keyResultId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a key result' })
  @ApiNoContentResponse()
  async remove(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('keyResultId', ParseUUIDPipe) keyResultId: string,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    await this.keyResults.remove(actor, goalId, keyResultId, version, correlationId);
  }
}
