import { IsNonBlank } from '@throughline/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional } from 'class-validator';
import { KPI_CATEGORIES } from '@throughline/contracts';
import { IsWeight } from '../../../shared/dto-decorators';
import { KEY_RESULT_DIRECTIONS, KeyResultDirection, KpiCategory } from '../key-result.rules';

const FINITE = { allowNaN: false, allowInfinity: false } as const;

export class CreateKeyResultDto {
  @ApiProperty({ example: 'Cost per unit' })
  @IsNonBlank(200)
  name: string;

  @ApiProperty({ enum: KPI_CATEGORIES, example: 'operational_efficiency' })
  @IsIn(KPI_CATEGORIES)
  category: KpiCategory;

  @ApiProperty({ example: 'EUR', description: 'What the numbers count: EUR, %, units/hour, NPS points…' })
  @IsNonBlank(40)
  unit: string;

  @ApiProperty({ example: 52, description: 'Where the measure stands at the start' })
  @IsNumber(FINITE)
  baseline: number;

  @ApiProperty({ example: 40, description: 'Where it should stand at the end of the goal' })
  @IsNumber(FINITE)
  target: number;

  @ApiProperty({
    enum: KEY_RESULT_DIRECTIONS,
    example: 'decrease',
    description: 'increase: target above baseline; decrease: below',
  })
  @IsIn(KEY_RESULT_DIRECTIONS)
  direction: KeyResultDirection;

  @ApiPropertyOptional({ example: 1, default: 1 })
  @IsOptional()
  @IsWeight()
  weight?: number;
}

export class UpdateKeyResultDto {
  @ApiPropertyOptional({ example: 'Cost per unit (ex works)' })
  @IsOptional()
  @IsNonBlank(200)
  name?: string;

  @ApiPropertyOptional({ enum: KPI_CATEGORIES, example: 'quality' })
  @IsOptional()
  @IsIn(KPI_CATEGORIES)
  category?: KpiCategory;

  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @IsNonBlank(40)
  unit?: string;

  @ApiPropertyOptional({ example: 52 })
  @IsOptional()
  @IsNumber(FINITE)
  baseline?: number;

  @ApiPropertyOptional({ example: 38 })
  @IsOptional()
  @IsNumber(FINITE)
  target?: number;

  @ApiPropertyOptional({ enum: KEY_RESULT_DIRECTIONS, example: 'decrease' })
  @IsOptional()
  @IsIn(KEY_RESULT_DIRECTIONS)
  direction?: KeyResultDirection;

  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @IsWeight()
  weight?: number;
}

export class KeyResultView {
  @ApiProperty({ format: 'uuid', example: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' }) id: string;
  @ApiProperty({ format: 'uuid', example: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f' }) goalId: string;
  @ApiProperty({ example: 'Cost per unit' }) name: string;
  @ApiProperty({ enum: KPI_CATEGORIES, example: 'operational_efficiency' }) category: KpiCategory;
  @ApiProperty({ example: 'EUR' }) unit: string;
  @ApiProperty({ example: 52 }) baseline: number;
  @ApiProperty({ example: 40 }) target: number;
  @ApiProperty({ enum: KEY_RESULT_DIRECTIONS, example: 'decrease' }) direction: KeyResultDirection;
  @ApiProperty({ example: 1 }) weight: number;
  @ApiProperty({ example: 1 }) version: number;
}
