import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { TASK_STATUSES, TaskStatus } from '@throughline/contracts';
import { PageQueryDto } from '@throughline/service-kit';

export class ChangeTaskStatusDto {
  @ApiProperty({ enum: TASK_STATUSES, example: 'in_progress' })
  @IsIn(TASK_STATUSES)
  to: TaskStatus;

  @ApiPropertyOptional({ example: 'Waiting for the supplier to deliver parts', description: 'Required when blocking or cancelling' })
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

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  goalId?: string;
}

export class TaskView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true }) goalId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) deliverableId: string | null;
  @ApiProperty({ format: 'uuid' }) managerId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: TASK_STATUSES }) status: TaskStatus;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
  @ApiProperty({ nullable: true, example: '2026-03-31' }) dueDate: string | null;
  @ApiProperty() weight: number;
  @ApiProperty({ nullable: true }) currency: string | null;
  @ApiProperty({ description: 'Planned cost in minor units' }) plannedCostMinor: number;
  @ApiProperty({ enum: ['deliverable', 'manager'] }) origin: 'deliverable' | 'manager';
  @ApiProperty({ nullable: true }) blockedReason: string | null;
  @ApiProperty({ description: 'Send it back as If-Match when changing the task' }) version: number;
}

export class TaskHistoryView {
  @ApiProperty() change: string;
  @ApiProperty() details: Record<string, unknown>;
  @ApiProperty({ nullable: true }) actorId: string | null;
  @ApiProperty() correlationId: string;
  @ApiProperty() at: string;
}

export class TaskWithHistoryView extends TaskView {
  @ApiProperty({ type: [TaskHistoryView] }) history: TaskHistoryView[];
}
