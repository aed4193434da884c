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
import { DeliverablesService } from './deliverables.service';
import {
  CreateDeliverableDto,
  DeliverableView,
  RemoveDeliverableQueryDto,
  UpdateDeliverableDto,
} from './dto/deliverable.dto';

@ApiTags('deliverables')
@ApiBearerAuth()
@Controller('v1/goals/:goalId/deliverables')
export class DeliverablesController {
  constructor(private readonly deliverables: DeliverablesService) {}

  @Post()
  @ApiOperation({ summary: "Break the goal down: a manager's deliverable with due date, weight and budget share" })
  @ApiCreatedResponse({ type: DeliverableView })
  async add(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Body() body: CreateDeliverableDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<DeliverableView> {
    return withETag(response, await this.deliverables.add(actor, goalId, body, correlationId));
  }

  @Get()
  @ApiOperation({ summary: "The goal's current deliverables, by due date" })
  @ApiPageResponse(DeliverableView)
  list(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<DeliverableView>> {
    return this.deliverables.list(actor, goalId, query);
  }

  @Get(':deliverableId')
  @ApiOperation({ summary: 'A deliverable; the ETag is its version' })
  @ApiOkResponse({ type: DeliverableView })
  async get(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('deliverableId', ParseUUIDPipe) deliverableId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<DeliverableView> {
    return withETag(response, await this.deliverables.get(actor, goalId, deliverableId));
  }

  @Patch(':deliverableId')
  @ApiOperation({ summary: 'Change title, manager, due date, weight or budget share' })
  @ApiOkResponse({ type: DeliverableView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('deliverableId', ParseUUIDPipe) deliverableId: string,
    @Body() body: UpdateDeliverableDto,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<DeliverableView> {
    return withETag(
      response,
      await this.deliverables.update(actor, goalId, deliverableId, body, version, correlationId),
    );
  }

  @Delete(':deliverableId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a deliverable, saying why (?reason=…); its open task is cancelled' })
  @ApiNoContentResponse()
  async remove(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('deliverableId', ParseUUIDPipe) deliverableId: string,
    @Query() query: RemoveDeliverableQueryDto,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    await this.deliverables.remove(actor, goalId, deliverableId, query.reason, version, correlationId);
  }
}
