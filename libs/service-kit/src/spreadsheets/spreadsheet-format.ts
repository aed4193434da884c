/** The two spreadsheet formats Throughline reads and writes, by media type and file extension. */
export const SPREADSHEET_FORMATS = ['csv', 'xlsx'] as const;
export type SpreadsheetFormat = (typeof SPREADSHEET_FORMATS)[number];

export const SPREADSHEET_MEDIA_TYPES: Record<SpreadsheetFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The format of an uploaded body from its Content-Type (parameters such as charset ignored), or null. */
export function formatOfMediaType(contentType: string | undefined): SpreadsheetFormat | null {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const found = SPREADSHEET_FORMATS.find((format) => SPREADSHEET_MEDIA_TYPES[format] === mediaType);
  return found ?? null;
}
