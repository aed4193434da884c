import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { SPREADSHEET_FORMATS, SpreadsheetFormat } from '@throughline/service-kit';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

class FormatQueryDto {
  @ApiPropertyOptional({ enum: SPREADSHEET_FORMATS, default: 'csv', description: 'csv (UTF-8) or xlsx' })
  @IsOptional()
  @IsIn(SPREADSHEET_FORMATS)
  format?: SpreadsheetFormat;
}

export class ExportScoresQueryDto extends FormatQueryDto {}

export class ExportHistoryQueryDto extends FormatQueryDto {
  @ApiProperty({ enum: ['organisation', 'org_unit', 'manager', 'goal'], example: 'goal' })
  @IsIn(['organisation', 'org_unit', 'manager', 'goal'])
  scope: 'organisation' | 'org_unit' | 'manager' | 'goal';

  @ApiPropertyOptional({ format: 'uuid', description: "The goal's, manager's or unit's id (not for the organisation)" })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'From this time (inclusive)' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ example: '2026-07-01T00:00:00Z', description: 'Up to this time (exclusive)' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class ExportKpisQueryDto extends FormatQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'First day (inclusive); default 180 days before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(ISO_DAY, { message: 'from must be a date like 2026-02-01' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-07-01',
    description: "Day after the period; default the organisation's next day",
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(ISO_DAY, { message: 'to must be a date like 2026-03-01' })
  to?: string;

  @ApiPropertyOptional({ enum: ['week', 'month'], default: 'month' })
  @IsOptional()
  @IsIn(['week', 'month'])
  interval?: 'week' | 'month';

  @ApiPropertyOptional({ format: 'uuid', description: "One unit's KPIs (directors and admins)" })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;
}
