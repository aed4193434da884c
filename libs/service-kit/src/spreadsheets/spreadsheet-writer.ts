import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { SpreadsheetFormat } from './spreadsheet-format';

export type SheetValue = string | number | null;

export interface SheetColumn {
  key: string;
  /** Column header; the key when absent. */
  header?: string;
  /** XLSX column width in characters. */
  width?: number;
}

export interface Sheet {
  name: string;
  columns: readonly SheetColumn[];
  rows: ReadonlyArray<Record<string, SheetValue>>;
}

/**
 * Writes a sheet as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read accents
 * right) or XLSX. Text that a spreadsheet would run as a formula (=, +, -, @ first) is
 * prefixed with an apostrophe in CSV (CSV injection); XLSX stores it as text anyway.
 */
export async function writeSpreadsheet(format: SpreadsheetFormat, sheet: Sheet): Promise<Buffer> {
  if (format === 'csv') {
    const csv = Papa.unparse(
      {
        fields: sheet.columns.map((column) => column.header ?? column.key),
        data: sheet.rows.map((row) => sheet.columns.map((column) => guardFormula(row[column.key] ?? null))),
      },
      { newline: '\r\n' },
    );
    return Buffer.from(`\uFEFF${csv}\r\n`, 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Throughline';
  const worksheet = workbook.addWorksheet(sheet.name.slice(0, 31));
  worksheet.columns = sheet.columns.map((column) => ({
    key: column.key,
    header: column.header ?? column.key,
    width: column.width ?? Math.max(12, (column.header ?? column.key).length + 2),
  }));
  worksheet.getRow(1).font = { bold: true };
  worksheet.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of sheet.rows) worksheet.addRow(sheet.columns.map((column) => row[column.key] ?? null));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function guardFormula(value: SheetValue): SheetValue {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
