import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { createHash, Hash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { Readable, Transform, TransformCallback } from 'node:stream';
import Papa from 'papaparse';
import { FieldProblem } from '@throughline/service-kit';
import { csvNumber, MEASUREMENT_FIELDS } from './measurement.rules';

/** The bulk formats, by media type: one JSON object per line, or CSV with a header row. */
export const MEASUREMENT_UPLOAD_TYPES = { ndjson: 'application/x-ndjson', csv: 'text/csv' } as const;
export type UploadFormat = keyof typeof MEASUREMENT_UPLOAD_TYPES;

export function uploadFormatOf(contentType: string | undefined): UploadFormat | undefined {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return (Object.keys(MEASUREMENT_UPLOAD_TYPES) as UploadFormat[]).find(
    (format) => MEASUREMENT_UPLOAD_TYPES[format] === mediaType,
  );
}

/**
 * Passes an upload through while counting and hashing its bytes: more than `limit` fails the
 * stream with 413 before the rest is read; the hash is the request's fingerprint (Idempotency-Key).
 */
export class UploadMeter extends Transform {
  private bytes = 0;
  private readonly hash: Hash;

  constructor(
    private readonly limit: number,
    private readonly limitText: string,
    fingerprintPrefix: string,
  ) {
    super();
    this.hash = createHash('sha256').update(fingerprintPrefix);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit)
      return done(new PayloadTooLargeException(`The upload is larger than the limit of ${this.limitText}.`));
    this.hash.update(chunk);
    done(null, chunk);
  }

  /** Once the upload has been read to its end. */
  sha256(): string {
    return this.hash.digest('hex');
  }
}

/** One row of an upload: its fields, or why it could not be read as a row. */
export interface UploadRow {
  /** NDJSON: the line number; CSV: the record number, the header being 1. */
  row: number;
  fields?: Record<string, unknown>;
  problems?: FieldProblem[];
}

/** The rows of an upload, read as they arrive (never the whole body in memory). */
export function uploadRows(upload: Readable, format: UploadFormat): AsyncGenerator<UploadRow> {
  return format === 'ndjson' ? ndjsonRows(upload) : csvRows(upload);
}

/** Lines as they arrive; an error of the upload (too large, cut off) fails the iteration. */
async function* lines(upload: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of upload) {
    const parts = (rest + decoder.write(chunk as Buffer)).split('\n');
    rest = parts.pop()!;
    yield* parts;
  }
  rest += decoder.end();
  if (rest) yield rest;
}

async function* ndjsonRows(upload: Readable): AsyncGenerator<UploadRow> {
  let row = 0;
  for await (const line of lines(upload)) {
    row++;
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      yield { row, problems: [{ field: 'line', message: 'is not a JSON object' }] };
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      yield { row, problems: [{ field: 'line', message: 'is not a JSON object' }] };
    else yield { row, fields: parsed as Record<string, unknown> };
  }
}

async function* csvRows(upload: Readable): AsyncGenerator<UploadRow> {
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: true });
  // pipe() does not pass errors on: without this, a refused upload would leave the parser waiting.
  upload.once('error', (error) => parser.destroy(error));
  const records: AsyncIterable<string[]> = upload.pipe(parser);
  let header: string[] | undefined;
  let row = 0;
  for await (const cells of records) {
    row++;
    if (!header) {
      header = cells.map((cell) => cell.trim());
      const missing = MEASUREMENT_FIELDS.filter((name) => !header!.includes(name));
      const extra = header.filter((name) => !(MEASUREMENT_FIELDS as readonly string[]).includes(name));
      if (missing.length || extra.length)
        throw new BadRequestException(
          `The CSV header must name the columns ${MEASUREMENT_FIELDS.join(', ')}` +
            (missing.length ? `; missing: ${missing.join(', ')}` : '') +
            (extra.length ? `; not columns of a measurement: ${extra.join(', ')}` : ''),
        );
      continue;
    }
    if (cells.length !== header.length) {
      yield { row, problems: [{ field: 'row', message: `has ${cells.length} cells, the header ${header.length}` }] };
      continue;
    }
    const fields = Object.fromEntries(header.map((name, index) => [name, cells[index]]));
    yield { row, fields: { ...fields, value: csvNumber(fields.value) } };
  }
}
