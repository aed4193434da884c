import { IsNonBlank } from '@throughline/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';

export class BudgetAllocationDto {
  @ApiPropertyOptional({
    format: 'uuid',
    example: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
    description: 'A manager (set exactly one of managerId and orgUnitId)',
  })
  @IsOptional()
  @IsUUID()
  managerId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
    description: 'An org unit (set exactly one of managerId and orgUnitId)',
  })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;

  @ApiProperty({ example: 6000000, description: "Minor units of the goal's currency" })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor: number;
}

export class ReviseBudgetDto {
  @ApiProperty({
    example: 12000000,
    description: "The goal's total budget in minor units of its currency (fixed when the goal is created)",
  })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  totalMinor: number;

  @ApiProperty({
    type: [BudgetAllocationDto],
    description: 'The complete allocation of this revision (it replaces the previous one); together at most the total',
  })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => BudgetAllocationDto)
  allocations: BudgetAllocationDto[];

  @ApiProperty({
    example: 'Split between engineering and operations',
    description: 'Why the budget changes: kept with the revision',
  })
  @IsNonBlank(2000)
  reason: string;
}

export class BudgetAllocationView {
  @ApiProperty({ format: 'uuid', example: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', nullable: true }) managerId:
    string | null;
  @ApiProperty({ format: 'uuid', example: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', nullable: true }) orgUnitId:
    string | null;
  @ApiProperty({ example: 6000000 }) amountMinor: number;
}

export class BudgetRevisionView {
  @ApiProperty({ format: 'uuid', example: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f' }) goalId: string;
  @ApiProperty({
    example: 2,
    description: 'Revision number; it is also the ETag to send as If-Match for the next revision',
  })
  revision: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: 12000000 }) totalMinor: number;
  @ApiProperty({ type: [BudgetAllocationView] }) allocations: BudgetAllocationView[];
  @ApiProperty({ example: 12000000 }) allocatedMinor: number;
  @ApiProperty({ nullable: true, example: 'Split between engineering and operations' }) reason: string | null;
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) revisedBy: string;
  @ApiProperty({ example: '2026-01-05T09:00:00.000Z' }) revisedAt: string;
}

export class CurrentBudgetView extends BudgetRevisionView {
  @ApiProperty({
    example: 9000000,
    description: 'Sum of the budget shares of the current deliverables (never above the total)',
  })
  deliverableSharesMinor: number;
}
