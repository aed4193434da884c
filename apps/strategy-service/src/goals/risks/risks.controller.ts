import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, ApiPageResponse, CorrelationId, CurrentActor, IfMatch, Page, withETag } from '@throughline/service-kit';
import { CreateRiskDto, RiskListQueryDto, RiskView, UpdateRiskDto } from './dto/risk.dto';
import { RisksService } from './risks.service';

@ApiTags('risks')
@ApiBearerAuth()
@Controller('v1/goals/:goalId/risks')
export class RisksController {
  constructor(private readonly risks: RisksService) {}

  @Post()
  @ApiOperation({ summary: 'Raise a risk of the goal (likelihood and impact 1–5, owner, mitigation); it starts open' })
  @ApiCreatedResponse({ type: RiskView })
  async raise(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Body() body: CreateRiskDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<RiskView> {
    return withETag(response, await this.risks.raise(actor, goalId, body, correlationId));
  }

  @Get()
  @ApiOperation({ summary: "The goal's risks (filter by status)" })
  @ApiPageResponse(RiskView)
  list(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Query() query: RiskListQueryDto,
  ): Promise<Page<RiskView>> {
    return this.risks.list(actor, goalId, query);
  }

  @Get(':riskId')
  @ApiOperation({ summary: 'A risk; the ETag is its version' })
  @ApiOkResponse({ type: RiskView })
  async get(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('riskId', ParseUUIDPipe) riskId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<RiskView> {
    return withETag(response, await this.risks.get(actor, goalId, riskId));
  }

  @Patch(':riskId')
  @ApiOperation({ summary: 'Change a risk: reassess, mitigate, record that it materialised, close it' })
  @ApiOkResponse({ type: RiskView })
  @ApiConflictResponse({ description: 'The status change is not allowed' })
  async update(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('riskId', ParseUUIDPipe) riskId: string,
    @Body() body: UpdateRiskDto,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<RiskView> {
    return withETag(response, await this.risks.update(actor, goalId, riskId, body, version, correlationId));
  }
}
