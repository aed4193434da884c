import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNumber, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '@throughline/service-kit';

export class KeyResultListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  goalId?: string;
}

export class CheckInDto {
  @ApiProperty({ example: 47.5, description: 'The measured value, in the key result’s unit' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value: number;

  @ApiProperty({ example: '2026-02-28', description: 'The day it was measured; not in the future' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'measuredOn must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  measuredOn: string;

  @ApiPropertyOptional({ example: 'After the first supplier renegotiation' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class KeyResultView {
  @ApiProperty({ format: 'uuid' }) keyResultId: string;
  @ApiProperty({ format: 'uuid' }) goalId: string;
  @ApiProperty({ nullable: true, example: 'Cost per unit' }) name: string | null;
  @ApiProperty({ nullable: true, example: 'EUR' }) unit: string | null;
  @ApiProperty({ nullable: true, example: 52 }) baseline: number | null;
  @ApiProperty({ nullable: true, example: 40 }) target: number | null;
  @ApiProperty({ nullable: true, enum: ['increase', 'decrease'] }) direction: 'increase' | 'decrease' | null;
  @ApiProperty({ nullable: true, example: 47.5, description: 'The latest check-in by measurement day' }) latestValue:
    number | null;
  @ApiProperty({ nullable: true, example: '2026-02-28' }) latestMeasuredOn: string | null;
}

export class CheckInView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) keyResultId: string;
  @ApiProperty({ format: 'uuid' }) goalId: string;
  @ApiProperty({ format: 'uuid' }) managerId: string;
  @ApiProperty({ example: 47.5 }) value: number;
  @ApiProperty({ example: '2026-02-28' }) measuredOn: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty() recordedAt: string;
}
