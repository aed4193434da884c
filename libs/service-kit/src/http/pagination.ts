import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Offset pagination shared by every list endpoint; list filters extend this class. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset = 0;
}

export class PageMetaDto {
  @ApiProperty({ example: 50 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
  @ApiProperty({ example: 4, description: 'Number of items matching the filters' }) total: number;
}

export interface Page<T> {
  items: T[];
  page: PageMetaDto;
}

export function page<T>(items: T[], total: number, query: PageQueryDto): Page<T> {
  return { items, page: { limit: query.limit, offset: query.offset, total } };
}
