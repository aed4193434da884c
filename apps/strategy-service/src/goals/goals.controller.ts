import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Actor, CorrelationId, CurrentActor, IfMatch, Page, Roles, setETag } from '@throughline/service-kit';
import { CreateDeliverableDto, CreateGoalDto, GoalListQueryDto, GoalView } from './dto/goal.dto';
import { GoalsService } from './goals.service';

@ApiTags('goals')
@ApiBearerAuth()
@Controller('v1/goals')
export class GoalsController {
  constructor(private readonly goals: GoalsService) {}

  @Post()
  @Roles('director')
  @ApiOperation({ summary: 'Create a draft goal with its budget' })
  @ApiCreatedResponse({ type: GoalView })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateGoalDto, @Res({ passthrough: true }) response: Response): Promise<GoalView> {
    const goal = await this.goals.create(actor, body);
    setETag(response, goal.version);
    return goal;
  }

  @Get()
  @ApiOperation({ summary: 'List goals (filter by status, owner, org unit, parent)' })
  list(@CurrentActor() actor: Actor, @Query() query: GoalListQueryDto): Promise<Page<GoalView>> {
    return this.goals.list(actor, query);
  }

  @Get(':goalId')
  @ApiOperation({ summary: 'A goal with its deliverables; the ETag is its version' })
  @ApiOkResponse({ type: GoalView })
  async get(@CurrentActor() actor: Actor, @Param('goalId', ParseUUIDPipe) goalId: string, @Res({ passthrough: true }) response: Response): Promise<GoalView> {
    const goal = await this.goals.get(actor, goalId);
    setETag(response, goal.version);
    return goal;
  }

  @Post(':goalId/deliverables')
  @Roles('director')
  @ApiOperation({ summary: "Break the goal down: a manager's deliverable with due date, weight and budget share" })
  @ApiCreatedResponse({ type: GoalView })
  addDeliverable(@CurrentActor() actor: Actor, @Param('goalId', ParseUUIDPipe) goalId: string, @Body() body: CreateDeliverableDto): Promise<GoalView> {
    return this.goals.addDeliverable(actor, goalId, body);
  }

  @Post(':goalId/activate')
  @HttpCode(200)
  @Roles('director')
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag (version) you last read, e.g. "1"' })
  @ApiOperation({ summary: 'Activate a draft goal: its deliverables become tasks for their managers' })
  @ApiOkResponse({ type: GoalView })
  async activate(@CurrentActor() actor: Actor, @Param('goalId', ParseUUIDPipe) goalId: string, @IfMatch() version: number, @CorrelationId() correlationId: string, @Res({ passthrough: true }) response: Response): Promise<GoalView> {
    const goal = await this.goals.activate(actor, goalId, version, correlationId);
    setETag(response, goal.version);
    return goal;
  }
}
