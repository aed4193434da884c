import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
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
import { CloseGoalDto, CreateGoalDto, GoalDetailView, GoalListQueryDto, GoalView, UpdateGoalDto } from './dto/goal.dto';
import { GoalsService } from './goals.service';

@ApiTags('goals')
@ApiBearerAuth()
@Controller('v1/goals')
export class GoalsController {
  constructor(private readonly goals: GoalsService) {}

  @Post()
  @ApiOperation({
    summary:
      'Create a draft goal with its budget (budget revision 1); the owner must be a director, the org unit must exist',
  })
  @ApiCreatedResponse({ type: GoalView })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateGoalDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<GoalView> {
    return withETag(response, await this.goals.create(actor, body, correlationId));
  }

  @Get()
  @ApiOperation({ summary: 'List goals (filter by status, owner, org unit, parent, overlapping period)' })
  @ApiPageResponse(GoalView)
  list(@CurrentActor() actor: Actor, @Query() query: GoalListQueryDto): Promise<Page<GoalView>> {
    return this.goals.list(actor, query);
  }

  @Get(':goalId')
  @ApiOperation({ summary: 'A goal with its key results, deliverables and risks; the ETag is its version' })
  @ApiOkResponse({ type: GoalDetailView })
  async get(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<GoalDetailView> {
    return withETag(response, await this.goals.get(actor, goalId));
  }

  @Patch(':goalId')
  @ApiOperation({
    summary:
      'Change a draft or active goal (title, description, owner, org unit, parent, period, weight); the budget changes through PUT …/budget',
  })
  @ApiOkResponse({ type: GoalView })
  @ApiConflictResponse({ description: 'The goal is closed' })
  async update(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Body() body: UpdateGoalDto,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<GoalView> {
    return withETag(response, await this.goals.update(actor, goalId, body, version, correlationId));
  }

  @Post(':goalId/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Activate a draft goal: its deliverables become tasks for their managers' })
  @ApiOkResponse({ type: GoalView })
  @ApiConflictResponse({ description: 'The goal is not a draft' })
  async activate(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<GoalView> {
    return withETag(response, await this.goals.activate(actor, goalId, version, correlationId));
  }

  @Post(':goalId/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a goal as achieved or missed (active goals) or abandoned (draft or active); final' })
  @ApiOkResponse({ type: GoalView })
  @ApiConflictResponse({ description: 'The transition is not allowed from the current status' })
  async close(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Body() body: CloseGoalDto,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<GoalView> {
    return withETag(response, await this.goals.close(actor, goalId, body, version, correlationId));
  }
}
