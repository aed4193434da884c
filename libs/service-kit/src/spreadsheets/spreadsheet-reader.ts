import { HttpException, HttpStatus } from '@nestjs/common';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { SpreadsheetFormat } from './spreadsheet-format';

/** A cell that cannot be read as a value, reported per row instead of failing the file. */
export interface CellProblem {
  column: string;
  message: string;
}

export interface SheetRow {
  /** The row number a person sees in their spreadsheet program (the header is row 1). */
  line: number;
  /** Cell text by column name; empty cells are ''. */
  values: Record<string, string>;
  problems: CellProblem[];
}

export interface ReadOptions {
  /** Column names the sheet must have, in any order; others are refused (a typo would be data silently lost). */
  columns: readonly string[];
  /** Columns that may be missing from the header (their cells read as ''). */
  optionalColumns?: readonly string[];
  /** The most data rows accepted (the services' IMPORT_MAX_ROWS). */
  maxRows: number;
  /** Worksheet to read from an XLSX workbook; the first one when absent. */
  sheetName?: string;
}

const refuse = (status: HttpStatus, message: string) => new HttpException({ message }, status);

/**
 * Reads the first sheet of a CSV (UTF-8) or XLSX file into rows of cell texts. Whatever is
 * wrong with the file as a whole answers 4xx (not CSV/XLSX, not UTF-8, wrong header, too
 * many rows); whatever is wrong with one cell (a formula, an error value) is reported on
 * its row, so one import lists every mistake at once.
 */
export async function readSpreadsheet(
  file: Buffer,
  format: SpreadsheetFormat,
  options: ReadOptions,
): Promise<SheetRow[]> {
  if (!file.length) throw refuse(HttpStatus.BAD_REQUEST, 'The file is empty: send the filled-in template.');
  const maxRows = options.maxRows;
  const table = format === 'csv' ? readCsv(file, maxRows) : await readXlsx(file, maxRows, options.sheetName);
  const [header, ...body] = table;
  if (!header) throw refuse(HttpStatus.BAD_REQUEST, 'The file has no header row.');
  const names = header.map((cell) => normalise(cell.text).toLowerCase());
  assertColumns(names, options);
  if (body.length > maxRows)
    throw refuse(
      HttpStatus.PAYLOAD_TOO_LARGE,
      `The file has more than ${maxRows} rows: split it into several imports.`,
    );
  return body
    .map((cells, index) => {
      const values: Record<string, string> = Object.fromEntries(options.columns.map((column) => [column, '']));
      const problems: CellProblem[] = [];
      names.forEach((name, column) => {
        if (!name) return;
        const cell = cells[column];
        if (!cell) return;
        if (cell.problem) problems.push({ column: name, message: cell.problem });
        else values[name] = normalise(cell.text);
      });
      return { line: index + 2, values, problems };
    })
    .filter((row) => row.problems.length || Object.values(row.values).some((value) => value !== ''));
}

interface RawCell {
  text: string;
  problem?: string;
}

function readCsv(file: Buffer, maxRows: number): RawCell[][] {
  if (file.subarray(0, 2).equals(Buffer.from([0xff, 0xfe])) || file.subarray(0, 2).equals(Buffer.from([0xfe, 0xff])))
    throw refuse(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'The CSV is UTF-16 ("Unicode text"): save it as "CSV UTF-8 (comma delimited)" or upload the XLSX workbook instead.',
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    throw refuse(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'The CSV is not UTF-8 text: save it as "CSV UTF-8 (comma delimited)" or upload the XLSX workbook instead.',
    );
  }
  if (text.includes('\u0000'))
    throw refuse(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'The CSV holds NUL characters: it looks like a binary or UTF-16 file.',
    );
  // preview stops reading past the limit, so a huge file costs no more than the rows we accept (+ header, + one to tell).
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy', preview: maxRows + 2 });
  const broken = parsed.errors.find((error) => error.type === 'Quotes' || error.code === 'InvalidQuotes');
  if (broken)
    throw refuse(
      HttpStatus.BAD_REQUEST,
      `The CSV is malformed at row ${(broken.row ?? 0) + 1}: ${broken.message}. Check the quotes around that row.`,
    );
  return parsed.data.map((row) =>
    row.map((text) =>
      /^=/.test(text.trim())
        ? { text, problem: `holds a formula (${text.trim().slice(0, 40)}): paste its value instead` }
        : { text: unescapeFormulaGuard(text) },
    ),
  );
}

async function readXlsx(file: Buffer, maxRows: number, sheetName?: string): Promise<RawCell[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw refuse(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'The file is not an XLSX workbook (Excel 2007 or later): save it as .xlsx, or send CSV with content-type text/csv.',
    );
  }
  const sheet = sheetName ? workbook.getWorksheet(sheetName) : workbook.worksheets[0];
  if (!sheet)
    throw refuse(
      HttpStatus.BAD_REQUEST,
      sheetName ? `The workbook has no sheet named "${sheetName}".` : 'The workbook has no sheet.',
    );
  if (sheet.actualRowCount > maxRows + 1)
    throw refuse(
      HttpStatus.PAYLOAD_TOO_LARGE,
      `The sheet has more than ${maxRows} rows: split it into several imports.`,
    );
  const rows: RawCell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: RawCell[] = [];
    for (let column = 1; column <= row.cellCount; column++) cells.push(xlsxCell(row.getCell(column).value));
    rows[rowNumber - 1] = cells;
  });
  return Array.from(rows, (row) => row ?? []);
}

function xlsxCell(value: ExcelJS.CellValue): RawCell {
  if (value === null || value === undefined) return { text: '' };
  if (value instanceof Date) return { text: value.toISOString().slice(0, 10) };
  if (typeof value === 'string') return { text: unescapeFormulaGuard(value) };
  if (typeof value === 'number' || typeof value === 'boolean') return { text: String(value) };
  if ('formula' in value || 'sharedFormula' in value)
    return {
      text: '',
      problem: `holds a formula (=${String((value as { formula?: string }).formula ?? 'shared formula').slice(0, 40)}): paste its value instead`,
    };
  if ('error' in value) return { text: '', problem: `holds the error value ${value.error}` };
  if ('richText' in value) return { text: value.richText.map((part) => part.text).join('') };
  if ('text' in value) return { text: String(value.text) };
  return { text: '', problem: 'holds a value that is not text, a number or a date' };
}

function assertColumns(names: string[], options: ReadOptions): void {
  const expected = new Set(options.columns);
  const unknown = names.filter((name) => name && !expected.has(name));
  const optional = new Set(options.optionalColumns ?? []);
  const missing = options.columns.filter((column) => !optional.has(column) && !names.includes(column));
  const duplicated = names.filter((name, index) => name && names.indexOf(name) !== index);
  if (!unknown.length && !missing.length && !duplicated.length) return;
  const parts = [
    unknown.length ? `unknown column(s) ${unknown.map((name) => `"${name}"`).join(', ')}` : '',
    missing.length ? `missing column(s) ${missing.join(', ')}` : '',
    duplicated.length ? `repeated column(s) ${[...new Set(duplicated)].join(', ')}` : '',
  ].filter(Boolean);
  throw refuse(
    HttpStatus.UNPROCESSABLE_ENTITY,
    `The header row does not match the template: ${parts.join('; ')}. Expected the columns ${options.columns.join(', ')}.`,
  );
}

const normalise = (text: string) => text.replace(/\u00A0/g, ' ').trim();

/** Exports prefix text that starts like a formula with an apostrophe (see writeSpreadsheet); reading takes it off again. */
function unescapeFormulaGuard(text: string): string {
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}
