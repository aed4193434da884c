import {
  applyDecorators,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
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
  Roles,
  setETag,
  spreadsheetDownload,
  SPREADSHEET_MEDIA_TYPES,
} from '@throughline/service-kit';
import {
  ChangeTaskStatusDto,
  CreateTaskDto,
  RecordCostDto,
  RecordHoursDto,
  RecordQualityIssueDto,
  ReportProgressDto,
  TaskEntryRecordedView,
  TaskExportQueryDto,
  TaskListQueryDto,
  TaskView,
  TaskWithHistoryView,
} from './dto/task.dto';
import { TasksService } from './tasks.service';

/** What the task operations' errors mean here (400, 412 and 428 are documented by the shared decorators). */
const TASK_PROBLEMS = [
  { status: 403, description: 'Your role may not do this (only managers change tasks; integrators only read)' },
  { status: 404, description: "No such task in your organisation — or it is another manager's task" },
  { status: 409, description: 'Not allowed in the task’s current status (e.g. an illegal transition)' },
  { status: 422, description: 'Well-formed but breaks a rule (e.g. wrong currency, a date in the future)' },
];
const documentErrors = () => applyDecorators(...TASK_PROBLEMS.map((problem) => ApiResponse(problem)));

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('v1/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({
    summary:
      "List tasks: a manager sees their own; directors, admins and integrators the organisation's. Filters: status, goal, linked, due before, overdue, manager, reporting line.",
  })
  @ApiPageResponse(TaskView)
  list(@CurrentActor() actor: Actor, @Query() query: TaskListQueryDto): Promise<Page<TaskView>> {
    return this.tasks.list(actor, query);
  }

  @Get('export')
  @ApiOperation({
    summary:
      'The tasks you may see as CSV or XLSX, with the list’s filters: status, progress, dates, planned and actual cost, hours, defects',
  })
  @ApiProduces(...Object.values(SPREADSHEET_MEDIA_TYPES))
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async export(@CurrentActor() actor: Actor, @Query() query: TaskExportQueryDto): Promise<StreamableFile> {
    return spreadsheetDownload(query.format, 'throughline-tasks', await this.tasks.exportSheet(actor, query));
  }

  @Get(':taskId')
  @ApiOperation({ summary: 'One task with its history; the ETag is its version' })
  @ApiOkResponse({ type: TaskWithHistoryView })
  async get(
    @CurrentActor() actor: Actor,
    @Param('taskId', ParseUUIDPipe) taskId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TaskWithHistoryView> {
    const task = await this.tasks.get(actor, taskId);
    setETag(response, task.version);
    return task;
  }

  @Post()
  @Roles('manager')
  @ApiOperation({
    summary:
      'Add a task of your own: linked to an active goal, or explicitly unlinked ("linkedGoalId": null with an "unlinkedReason")',
  })
  @ApiCreatedResponse({ type: TaskView })
  @documentErrors()
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateTaskDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TaskView> {
    const task = await this.tasks.create(actor, body, correlationId);
    setETag(response, task.version);
    return task;
  }

  @Post(':taskId/status')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Move your task along todo → in_progress → blocked ↔ in_progress → done, or cancel it (blocking and cancelling need a reason)',
  })
  @ApiOkResponse({ type: TaskView })
  @documentErrors()
  async changeStatus(
    @CurrentActor() actor: Actor,
    @Param('taskId', ParseUUIDPipe) taskId: string,
    @IfMatch() version: number,
    @Body() body: ChangeTaskStatusDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TaskView> {
    const task = await this.tasks.changeStatus(actor, taskId, version, body, correlationId);
    setETag(response, task.version);
    return task;
  }

  @Post(':taskId/progress')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report how far your open task is (0–100); finishing it is a status change to done' })
  @ApiOkResponse({ type: TaskView })
  @documentErrors()
  async reportProgress(
    @CurrentActor() actor: Actor,
    @Param('taskId', ParseUUIDPipe) taskId: string,
    @IfMatch() version: number,
    @Body() body: ReportProgressDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TaskView> {
    const task = await this.tasks.reportProgress(actor, taskId, version, body, correlationId);
    setETag(response, task.version);
    return task;
  }

  @Post(':taskId/costs')
  @ApiOperation({ summary: "Book an actual cost, in exact minor units and the currency of the task's budget" })
  @ApiCreatedResponse({ type: TaskEntryRecordedView })
  @documentErrors()
  async recordCost(
    @CurrentActor() actor: Actor,
    @Param('taskId', ParseUUIDPipe) taskId: string,
    @IfMatch() version: number,
    @Body() body: RecordCostDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TaskEntryRecordedView> {
    const recorded = await this.tasks.recordCost(actor, taskId, version, body, correlationId);
    setETag(response, recorded.task.version);
    return recorded;
  }

  @Post(':taskId/hours')
  @ApiOperation({ summary: 'Book time worked, in whole minutes' })
  @ApiCreatedResponse({ type: TaskEntryRecordedView })
  @documentErrors()
  async recordHours(
    @CurrentActor() actor: Actor,
    @Param('taskId', ParseUUIDPipe) taskId: string,
    @IfMatch() version: number,
    @Body() body: RecordHoursDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TaskEntryRecordedView> {
    const recorded = await this.tasks.recordHours(actor, taskId, version, body, correlationId);
    setETag(response, recorded.task.version);
    return recorded;
  }

  @Post(':taskId/quality-issues')
  @ApiOperation({ summary: 'Record a quality issue (a defect or rework) with its severity' })
  @ApiCreatedResponse({ type: TaskEntryRecordedView })
  @documentErrors()
  async recordQualityIssue(
    @CurrentActor() actor: Actor,
    @Param('taskId', ParseUUIDPipe) taskId: string,
    @IfMatch() version: number,
    @Body() body: RecordQualityIssueDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TaskEntryRecordedView> {
    const recorded = await this.tasks.recordQualityIssue(actor, taskId, version, body, correlationId);
    setETag(response, recorded.task.version);
    return recorded;
  }
}
