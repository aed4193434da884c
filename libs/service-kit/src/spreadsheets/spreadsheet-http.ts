import { StreamableFile } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SPREADSHEET_FORMATS, SPREADSHEET_MEDIA_TYPES, SpreadsheetFormat } from './spreadsheet-format';
import { Sheet, writeSpreadsheet } from './spreadsheet-writer';

export class SpreadsheetFormatQueryDto {
  @ApiPropertyOptional({ enum: SPREADSHEET_FORMATS, default: 'csv', description: 'csv (UTF-8) or xlsx' })
  @IsOptional()
  @IsIn(SPREADSHEET_FORMATS)
  format?: SpreadsheetFormat;
}

/** A sheet as a download: the right media type and an attachment file name with the extension. */
export async function spreadsheetDownload(
  format: SpreadsheetFormat | undefined,
  baseName: string,
  sheet: Sheet,
): Promise<StreamableFile> {
  const chosen = format ?? 'csv';
  return new StreamableFile(await writeSpreadsheet(chosen, sheet), {
    type: SPREADSHEET_MEDIA_TYPES[chosen],
    disposition: `attachment; filename="${baseName}.${chosen}"`,
  });
}
