import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto, IsNonBlank } from '@throughline/service-kit';
import { RISK_STATUSES, RiskStatus } from '../risk-lifecycle';

export class CreateRiskDto {
  @ApiProperty({ example: 'Supplier cannot deliver the new casing in time' })
  @IsNonBlank(200)
  title: string;

  @ApiProperty({ minimum: 1, maximum: 5, example: 3, description: '1 rare … 5 almost certain' })
  @IsInt()
  @Min(1)
  @Max(5)
  likelihood: number;

  @ApiProperty({ minimum: 1, maximum: 5, example: 4, description: '1 negligible … 5 severe' })
  @IsInt()
  @Min(1)
  @Max(5)
  impact: number;

  @ApiProperty({
    format: 'uuid',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    description: 'The person who watches the risk',
  })
  @IsUUID()
  ownerId: string;

  @ApiPropertyOptional({ example: 'Qualify a second supplier by February', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  mitigation?: string | null;
}

export class UpdateRiskDto {
  @ApiPropertyOptional({ example: 'Supplier cannot deliver the casing in time' })
  @IsOptional()
  @IsNonBlank(200)
  title?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, example: 2 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  likelihood?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, example: 4 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  impact?: number;

  @ApiPropertyOptional({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ example: 'Second supplier qualified', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  mitigation?: string | null;

  @ApiPropertyOptional({
    enum: RISK_STATUSES,
    example: 'mitigated',
    description: 'open ↔ mitigated → materialised → closed; mitigated needs a mitigation',
  })
  @IsOptional()
  @IsIn(RISK_STATUSES)
  status?: RiskStatus;
}

export class RiskListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RISK_STATUSES, example: 'open' })
  @IsOptional()
  @IsIn(RISK_STATUSES)
  status?: RiskStatus;
}

export class RiskView {
  @ApiProperty({ format: 'uuid', example: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' }) id: string;
  @ApiProperty({ format: 'uuid', example: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f' }) goalId: string;
  @ApiProperty({ example: 'Supplier cannot deliver the new casing in time' }) title: string;
  @ApiProperty({ example: 3 }) likelihood: number;
  @ApiProperty({ example: 4 }) impact: number;
  @ApiProperty({ example: 12, description: 'likelihood × impact (1–25)' }) severity: number;
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) ownerId: string;
  @ApiProperty({ type: String, nullable: true, example: null }) mitigation: string | null;
  @ApiProperty({ enum: RISK_STATUSES, example: 'open' }) status: RiskStatus;
  @ApiProperty({ example: 1 }) version: number;
}
