import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { TASK_STATUSES, TaskStatus } from '@throughline/contracts';
import { PageQueryDto, IsNonBlank, SpreadsheetFormatQueryDto } from '@throughline/service-kit';
import {
  QUALITY_ISSUE_KINDS,
  QUALITY_ISSUE_SEVERITIES,
  QualityIssueKind,
  QualityIssueSeverity,
} from '../task-report-entries.entity';

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
/** Query strings carry text: 'true' and 'false' are the only booleans accepted. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ChangeTaskStatusDto {
  @ApiProperty({ enum: TASK_STATUSES, example: 'in_progress' })
  @IsIn(TASK_STATUSES)
  to: TaskStatus;

  @ApiPropertyOptional({
    example: 'Waiting for the supplier to deliver parts',
    description: 'Required when blocking or cancelling',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class TaskListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Tasks linked to this goal' })
  @IsOptional()
  @IsUUID()
  goalId?: string;

  @ApiPropertyOptional({ example: false, description: 'false: only unlinked work; true: only work linked to a goal' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  linked?: boolean;

  @ApiPropertyOptional({ example: '2026-04-01', description: 'Tasks due strictly before this day' })
  @IsOptional()
  @Matches(CALENDAR_DAY, { message: 'dueBefore must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  dueBefore?: string;

  @ApiPropertyOptional({
    example: true,
    description: 'true: open tasks whose due date has passed (UTC); false: all others',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Directors, admins and integrators: one manager's tasks (managers always see only their own)",
  })
  @IsOptional()
  @IsUUID()
  managerId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Directors, admins and integrators: tasks of everyone who reports to this person, directly or not',
  })
  @IsOptional()
  @IsUUID()
  reportingTo?: string;
}

export class CreateTaskDto {
  @ApiProperty({ example: 'Prepare the trade-fair booth', minLength: 1, maxLength: 200 })
  @IsNonBlank(200)
  title: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    example: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
    description:
      'The active goal this work serves, or null — sent explicitly — for unlinked work (then unlinkedReason is required). Unlinked work counts against focus in the alignment score; that is the point.',
  })
  @IsDefined({
    message:
      'linkedGoalId is required: the id of an active goal this work serves, or null to record it as unlinked work (with an unlinkedReason)',
  })
  @ValidateIf((dto: CreateTaskDto) => dto.linkedGoalId !== null)
  @IsUUID(undefined, { message: 'linkedGoalId must be a goal id (uuid) or null' })
  linkedGoalId: string | null;

  @ApiPropertyOptional({
    example: 'Customer escalation from the largest account',
    description: 'Why this work serves no goal; required when linkedGoalId is null, refused otherwise',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  unlinkedReason?: string;

  @ApiPropertyOptional({ example: '2026-03-15' })
  @IsOptional()
  @Matches(CALENDAR_DAY, { message: 'dueDate must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  dueDate?: string;

  @ApiPropertyOptional({ example: 1, default: 1, description: 'Relative weight among the goal’s work' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.001)
  @Max(1000)
  weight?: number;

  @ApiPropertyOptional({ example: 150000, default: 0, description: 'Planned cost in minor units (cents), an integer' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  plannedCostMinor?: number;

  @ApiPropertyOptional({
    example: 'EUR',
    description: 'ISO 4217; required for unlinked work, must match the goal budget when linked',
  })
  @IsOptional()
  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string;
}

export class ReportProgressDto {
  @ApiProperty({ minimum: 0, maximum: 100, example: 60 })
  @IsInt()
  @Min(0)
  @Max(100)
  progress: number;

  @ApiPropertyOptional({ example: 'Tooling installed' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class RecordCostDto {
  @ApiProperty({
    example: 1250000,
    description: 'Actual cost in minor units (cents): a positive integer, never a decimal',
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor: number;

  @ApiProperty({ example: 'EUR', description: "Must be the currency of the task's goal budget" })
  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency: string;

  @ApiProperty({ example: 'Injection moulds' })
  @IsNonBlank(2000)
  description: string;

  @ApiProperty({ example: '2026-02-09', description: 'The day the cost was incurred; not in the future' })
  @Matches(CALENDAR_DAY, { message: 'incurredOn must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  incurredOn: string;
}

export class RecordHoursDto {
  @ApiProperty({ example: 450, minimum: 1, maximum: 44640, description: 'Time worked, in whole minutes (7.5 h = 450)' })
  @IsInt()
  @Min(1)
  @Max(1440 * 31)
  minutes: number;

  @ApiProperty({ example: '2026-02-09', description: 'The day worked; not in the future' })
  @Matches(CALENDAR_DAY, { message: 'workedOn must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  workedOn: string;

  @ApiPropertyOptional({ example: 'Line set-up with the supplier' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class RecordQualityIssueDto {
  @ApiProperty({ enum: QUALITY_ISSUE_KINDS, example: 'defect' })
  @IsIn(QUALITY_ISSUE_KINDS)
  kind: QualityIssueKind;

  @ApiProperty({ enum: QUALITY_ISSUE_SEVERITIES, example: 'medium' })
  @IsIn(QUALITY_ISSUE_SEVERITIES)
  severity: QualityIssueSeverity;

  @ApiProperty({ example: 'Casing cracks in the drop test' })
  @IsNonBlank(2000)
  description: string;
}

export class TaskView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'Null for unlinked work' }) goalId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) deliverableId: string | null;
  @ApiProperty({ format: 'uuid' }) managerId: string;
  @ApiProperty({ example: 'Pilot production run' }) title: string;
  @ApiProperty({ enum: TASK_STATUSES }) status: TaskStatus;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
  @ApiProperty({ nullable: true, example: '2026-03-31' }) dueDate: string | null;
  @ApiProperty({ example: 2 }) weight: number;
  @ApiProperty({ nullable: true, example: 'EUR' }) currency: string | null;
  @ApiProperty({ description: 'Planned cost in minor units', example: 5000000 }) plannedCostMinor: number;
  @ApiProperty({ description: 'Sum of the cost entries, in minor units', example: 1250000 }) actualCostMinor: number;
  @ApiProperty({ description: 'Sum of the hours entries, in minutes', example: 450 }) minutesWorked: number;
  @ApiProperty({ description: 'Defects and rework recorded', example: 1 }) qualityIssueCount: number;
  @ApiProperty({ enum: ['deliverable', 'manager'] }) origin: 'deliverable' | 'manager';
  @ApiProperty({ type: String, nullable: true, description: 'Why unlinked work serves no goal' }) unlinkedReason:
    string | null;
  @ApiProperty({ type: String, nullable: true }) blockedReason: string | null;
  @ApiProperty({ type: String, nullable: true }) cancellationReason: string | null;
  @ApiProperty({ description: 'Send it back as If-Match when changing the task', example: 3 }) version: number;
}

export class TaskHistoryView {
  @ApiProperty({ example: 'status', description: 'created, updated, status, progress, cost, hours, quality-issue' })
  change: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { from: 'todo', to: 'in_progress', reason: null },
  })
  details: Record<string, unknown>;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Null when the system made the change (from a strategy event)',
  })
  actorId: string | null;
  @ApiProperty() correlationId: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class TaskWithHistoryView extends TaskView {
  @ApiProperty({ type: [TaskHistoryView] }) history: TaskHistoryView[];
}

export class TaskEntryRecordedView {
  @ApiProperty({ format: 'uuid', description: 'The id of the cost, hours or quality entry (the subject of its event)' })
  entryId: string;
  @ApiProperty({ type: TaskView }) task: TaskView;
}

/** The list's filters, without paging (an export holds every matching task), and the file format. */
export class TaskExportQueryDto extends IntersectionType(
  OmitType(TaskListQueryDto, ['limit', 'offset'] as const),
  SpreadsheetFormatQueryDto,
) {}
