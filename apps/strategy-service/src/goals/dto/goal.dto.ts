import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto, IsNonBlank } from '@throughline/service-kit';
import { DeliverableView } from '../deliverables/dto/deliverable.dto';
import { KeyResultView } from '../key-results/dto/key-result.dto';
import { RiskView } from '../risks/dto/risk.dto';
import { IsIsoDay, IsWeight } from '../../shared/dto-decorators';
import { GOAL_OUTCOMES, GOAL_STATUSES, GoalOutcome, GoalStatus } from '../goal-lifecycle';

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
  @IsNonBlank(200)
  title: string;

  @ApiPropertyOptional({ example: 'Bring the X200 to market in H1 with unit cost below 40 EUR.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({
    format: 'uuid',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    description: 'The director who owns the goal',
  })
  @IsUUID()
  ownerId: string;

  @ApiProperty({ format: 'uuid', example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d' })
  @IsUUID()
  orgUnitId: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '8e7d6c5b-4a39-4281-9f0e-d1c2b3a49586',
    description: 'Cascading: the goal this one serves',
  })
  @IsOptional()
  @IsUUID()
  parentGoalId?: string;

  @ApiProperty({ example: '2026-01-01' })
  @IsIsoDay('periodStart')
  periodStart: string;

  @ApiProperty({ example: '2026-06-30' })
  @IsIsoDay('periodEnd')
  periodEnd: string;

  @ApiPropertyOptional({ example: 1, default: 1, description: 'Priority weight among sibling goals' })
  @IsOptional()
  @IsWeight()
  weight?: number;

  @ApiProperty({ type: MoneyDto })
  // ValidateNested alone lets a missing budget or an array through to the database (found by tests/security/hostile-input.spec.ts).
  @IsObject({ message: 'budget must be an object: { currency, amountMinor }' })
  @ValidateNested()
  @Type(() => MoneyDto)
  budget: MoneyDto;
}

export class GoalListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: GOAL_STATUSES, example: 'active' })
  @IsOptional()
  @IsIn(GOAL_STATUSES)
  status?: GoalStatus;

  @ApiPropertyOptional({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '8e7d6c5b-4a39-4281-9f0e-d1c2b3a49586',
    description: 'Only the direct sub-goals of this goal',
  })
  @IsOptional()
  @IsUUID()
  parentGoalId?: string;

  @ApiPropertyOptional({
    example: '2026-04-01',
    description: 'Only goals whose period overlaps [periodFrom, periodTo]',
  })
  @IsOptional()
  @IsIsoDay('periodFrom')
  periodFrom?: string;

  @ApiPropertyOptional({
    example: '2026-06-30',
    description: 'Only goals whose period overlaps [periodFrom, periodTo]',
  })
  @IsOptional()
  @IsIsoDay('periodTo')
  periodTo?: string;
}

export class GoalBudgetView extends MoneyDto {
  @ApiProperty({
    example: 1,
    description: 'The budget revision this total comes from (GET /v1/goals/{goalId}/budget/revisions)',
  })
  revision: number;
}

export class GoalView {
  @ApiProperty({ format: 'uuid', example: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' }) id: string;
  @ApiProperty({ example: 'Launch the new product line' }) title: string;
  @ApiProperty({ example: 'Bring the X200 to market in H1.' }) description: string;
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) ownerId: string;
  @ApiProperty({ format: 'uuid', example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d' }) orgUnitId: string;
  @ApiProperty({ format: 'uuid', example: '8e7d6c5b-4a39-4281-9f0e-d1c2b3a49586', nullable: true }) parentGoalId:
    string | null;
  @ApiProperty({ example: '2026-01-01' }) periodStart: string;
  @ApiProperty({ example: '2026-06-30' }) periodEnd: string;
  @ApiProperty({ example: 1 }) weight: number;
  @ApiProperty({ enum: GOAL_STATUSES, example: 'draft' }) status: GoalStatus;
  @ApiProperty({ type: GoalBudgetView }) budget: GoalBudgetView;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why a closed goal was closed' })
  closeReason: string | null;
  @ApiProperty({ example: 1, description: 'Send it back as If-Match when changing the goal' }) version: number;
}

export class GoalDetailView extends GoalView {
  @ApiProperty({ type: [KeyResultView] }) keyResults: KeyResultView[];
  @ApiProperty({ type: [DeliverableView], description: 'Current deliverables (removed ones are not listed)' })
  deliverables: DeliverableView[];
  @ApiProperty({ type: [RiskView] }) risks: RiskView[];
}

/** Everything of a goal that can change after creation; the budget changes through budget revisions. */
export class UpdateGoalDto {
  @ApiPropertyOptional({ example: 'Launch the X200 product line' })
  @IsOptional()
  @IsNonBlank(200)
  title?: string;

  @ApiPropertyOptional({ example: 'Bring the X200 to market in H1.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    description: 'A director of the organisation',
  })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '8e7d6c5b-4a39-4281-9f0e-d1c2b3a49586',
    nullable: true,
    description: 'null detaches the goal from its parent',
  })
  @IsOptional()
  @IsUUID()
  parentGoalId?: string | null;

  @ApiPropertyOptional({ example: '2026-01-01' })
  @IsOptional()
  @IsIsoDay('periodStart')
  periodStart?: string;

  @ApiPropertyOptional({ example: '2026-06-30' })
  @IsOptional()
  @IsIsoDay('periodEnd')
  periodEnd?: string;

  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @IsWeight()
  weight?: number;
}

export class CloseGoalDto {
  @ApiProperty({ enum: GOAL_OUTCOMES, example: 'achieved', description: 'A draft goal can only be abandoned' })
  @IsIn(GOAL_OUTCOMES)
  outcome: GoalOutcome;

  @ApiPropertyOptional({ example: 'Unit cost reached 39.50 EUR in May', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
