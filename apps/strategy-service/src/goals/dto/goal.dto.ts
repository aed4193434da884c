import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsPositive, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQueryDto } from '@throughline/service-kit';
import { GOAL_STATUSES, GoalStatus } from '../goal-lifecycle';

const ISO_DAY = { strict: true } as const;

export class MoneyDto {
  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency code' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency: string;

  @ApiProperty({ example: 12000000, description: 'Amount in minor units (cents): integers only, never floating point' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor: number;
}

export class CreateGoalDto {
  @ApiProperty({ example: 'Launch the new product line' })
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({ example: 'Bring the X200 to market in H1 with unit cost below 40 EUR.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({ format: 'uuid', description: 'The director who owns the goal' })
  @IsUUID()
  ownerId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  orgUnitId: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Cascading: the goal this one serves' })
  @IsOptional()
  @IsUUID()
  parentGoalId?: string;

  @ApiProperty({ example: '2026-01-01' })
  @IsISO8601(ISO_DAY)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'periodStart must be a date YYYY-MM-DD' })
  periodStart: string;

  @ApiProperty({ example: '2026-06-30' })
  @IsISO8601(ISO_DAY)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'periodEnd must be a date YYYY-MM-DD' })
  periodEnd: string;

  @ApiPropertyOptional({ example: 1, default: 1, description: 'Priority weight among sibling goals' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(1000)
  weight?: number;

  @ApiProperty({ type: MoneyDto })
  @ValidateNested()
  @Type(() => MoneyDto)
  budget: MoneyDto;
}

export class CreateDeliverableDto {
  @ApiProperty({ example: 'Pilot production run' })
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiProperty({ format: 'uuid', description: 'The manager who will own the task' })
  @IsUUID()
  managerId: string;

  @ApiProperty({ example: '2026-03-31', description: "Within the goal's period" })
  @IsISO8601(ISO_DAY)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date YYYY-MM-DD' })
  dueDate: string;

  @ApiPropertyOptional({ example: 2, default: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(1000)
  weight?: number;

  @ApiProperty({ example: 5000000, description: "Budget share in minor units of the goal's currency" })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  budgetMinor: number;
}

export class GoalListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: GOAL_STATUSES })
  @IsOptional()
  @IsIn(GOAL_STATUSES)
  status?: GoalStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  parentGoalId?: string;
}

export class DeliverableView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'uuid' }) managerId: string;
  @ApiProperty({ example: '2026-03-31' }) dueDate: string;
  @ApiProperty() weight: number;
  @ApiProperty() budgetMinor: number;
  @ApiProperty() version: number;
}

export class GoalView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ format: 'uuid' }) ownerId: string;
  @ApiProperty({ format: 'uuid' }) orgUnitId: string;
  @ApiProperty({ format: 'uuid', nullable: true }) parentGoalId: string | null;
  @ApiProperty() periodStart: string;
  @ApiProperty() periodEnd: string;
  @ApiProperty() weight: number;
  @ApiProperty({ enum: GOAL_STATUSES }) status: GoalStatus;
  @ApiProperty({ type: MoneyDto }) budget: MoneyDto;
  @ApiProperty({ type: [DeliverableView] }) deliverables: DeliverableView[];
  @ApiProperty({ description: 'Send it back as If-Match when changing the goal' }) version: number;
}
