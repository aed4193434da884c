import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '@throughline/service-kit';
import { RISK_STATUSES, RiskStatus } from '../risk-lifecycle';

export class CreateRiskDto {
  @ApiProperty({ example: 'Supplier cannot deliver the new casing in time' })
  @IsString()
  @Length(1, 200)
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

  @ApiProperty({ format: 'uuid', description: 'The person who watches the risk' })
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
  @IsString()
  @Length(1, 200)
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

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ example: 'Second supplier qualified', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  mitigation?: string | null;

  @ApiPropertyOptional({ enum: RISK_STATUSES, example: 'mitigated', description: 'open ↔ mitigated → materialised → closed; mitigated needs a mitigation' })
  @IsOptional()
  @IsIn(RISK_STATUSES)
  status?: RiskStatus;
}

export class RiskListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RISK_STATUSES })
  @IsOptional()
  @IsIn(RISK_STATUSES)
  status?: RiskStatus;
}

export class RiskView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) goalId: string;
  @ApiProperty({ example: 'Supplier cannot deliver the new casing in time' }) title: string;
  @ApiProperty({ example: 3 }) likelihood: number;
  @ApiProperty({ example: 4 }) impact: number;
  @ApiProperty({ example: 12, description: 'likelihood × impact (1–25)' }) severity: number;
  @ApiProperty({ format: 'uuid' }) ownerId: string;
  @ApiProperty({ nullable: true, example: null }) mitigation: string | null;
  @ApiProperty({ enum: RISK_STATUSES }) status: RiskStatus;
  @ApiProperty({ example: 1 }) version: number;
}
