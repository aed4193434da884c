import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Actor, CorrelationId, CurrentActor, IfMatch, Page, Roles, setETag } from '@throughline/service-kit';
import { ChangeTaskStatusDto, TaskListQueryDto, TaskView, TaskWithHistoryView } from './dto/task.dto';
import { TasksService } from './tasks.service';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('v1/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ summary: "List tasks: a manager's own, or the organisation's for directors (filter by status, goal)" })
  list(@CurrentActor() actor: Actor, @Query() query: TaskListQueryDto): Promise<Page<TaskView>> {
    return this.tasks.list(actor, query);
  }

  @Get(':taskId')
  @ApiOperation({ summary: 'One task with its history; the ETag is its version' })
  @ApiOkResponse({ type: TaskWithHistoryView })
  async get(@CurrentActor() actor: Actor, @Param('taskId', ParseUUIDPipe) taskId: string, @Res({ passthrough: true }) response: Response): Promise<TaskWithHistoryView> {
    const task = await this.tasks.get(actor, taskId);
    setETag(response, task.version);
    return task;
  }

  @Post(':taskId/status')
  @HttpCode(200)
  @Roles('manager')
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag (version) you last read, e.g. "1"' })
  @ApiOperation({ summary: 'Move your task along todo → in_progress → blocked ↔ in_progress → done, or cancel it' })
  @ApiOkResponse({ type: TaskView })
  async changeStatus(
    @CurrentActor() actor: Actor,
    @Param('taskId', ParseUUIDPipe) taskId: string,
    @IfMatch() version: number,
    @Body() body: ChangeTaskStatusDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TaskView> {
    const task = await this.tasks.changeStatus(actor, taskId, version, body, correlationId);
    setETag(response, task.version);
    return task;
  }
}
