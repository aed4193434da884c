import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, CorrelationId, CurrentActor, IfMatch, withETag } from '@throughline/service-kit';
import { ContributionsService } from './contributions.service';
import { GoalContributionsView, ReplaceContributionsDto } from './dto/contribution.dto';

@ApiTags('goals')
@ApiBearerAuth()
@Controller('v1/goals/:goalId/contributions')
export class ContributionsController {
  constructor(private readonly contributions: ContributionsService) {}

  @Get()
  @ApiOperation({
    summary:
      'What the goal contributes to (with weights) and supports, and which goals name it in theirs; the ETag is the goal’s version',
  })
  @ApiOkResponse({ type: GoalContributionsView })
  async get(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<GoalContributionsView> {
    return withETag(response, await this.contributions.get(actor, goalId));
  }

  @Put()
  @ApiOperation({
    summary:
      "Set the goals this goal's work rolls up into (weights summing to 100, its parent among them) and those it only supports; empty lists restore the default (all of it into the parent). A loop is refused.",
  })
  @ApiOkResponse({ type: GoalContributionsView })
  @ApiConflictResponse({ description: 'The goal is closed' })
  async replace(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Body() body: ReplaceContributionsDto,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<GoalContributionsView> {
    return withETag(response, await this.contributions.replace(actor, goalId, body, version, correlationId));
  }
}
