import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { formatOfMediaType } from '../spreadsheets/spreadsheet-format';

export interface BodyLimits {
  /** JSON bodies (HTTP_BODY_LIMIT), in bytes. */
  json: number;
  /** CSV and XLSX uploads (SPREADSHEET_UPLOAD_LIMIT), read as raw bytes, in bytes. */
  upload: number;
}

/**
 * How every request body is read, by one parser for all media types:
 * - JSON (`application/json`, `application/*+json`) as an object or array, refusing the keys
 *   that would reach an object's prototype;
 * - CSV and XLSX as raw bytes, with their own, larger limit;
 * - on the streamed upload paths, not at all: the handler reads the stream itself;
 * - any other body (a form, text/plain, XML, no content type) is refused with 415, where it would
 *   reach the handler as "no fields" and answer 200 having changed nothing.
 * Refusals carry `status` and `expose`, which the problem filter answers in the client's words.
 */
export function readRequestBodies(app: FastifyInstance, limits: BodyLimits, streamedPaths: Set<string>): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request: FastifyRequest, payload: Readable, done) => {
    if (streamedPaths.has(request.routeOptions.url ?? '')) return done(null, payload);
    const contentType = request.headers['content-type'];
    if (isJson(contentType))
      return readAll(request, payload, limits.json, (text) => parseJsonBody(text.toString('utf8')), done);
    if (formatOfMediaType(contentType)) return readAll(request, payload, limits.upload, (bytes) => bytes, done);
    if (isEmpty(request)) return done(null, undefined);
    done(
      refused(
        415,
        `${contentType ? `the content type ${contentType} is` : 'a body without a content type is'} not accepted; send application/json`,
      ),
    );
  });
}

type ParserDone = (error: Error | null, body?: unknown) => void;

function isEmpty(request: FastifyRequest): boolean {
  return Number(request.headers['content-length'] ?? 0) === 0 && request.headers['transfer-encoding'] === undefined;
}

function isJson(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
}

/** Reads the body to its end, or refuses it with 413 as soon as it passes the limit. */
function readAll(
  request: FastifyRequest,
  payload: Readable,
  limit: number,
  parse: (body: Buffer) => unknown,
  done: ParserDone,
): void {
  if (Number(request.headers['content-length'] ?? 0) > limit) return done(refused(413, 'the body is too large'));
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) return void chunks.push(chunk);
    stop();
    done(refused(413, 'the body is too large'));
  };
  const onEnd = () => {
    stop();
    try {
      done(null, parse(Buffer.concat(chunks, size)));
    } catch (error) {
      done(error as Error);
    }
  };
  const onError = (error: Error) => {
    stop();
    done(refused(400, error.message));
  };
  const stop = () => {
    payload.off('data', onData).off('end', onEnd).off('error', onError);
  };
  payload.on('data', onData).on('end', onEnd).on('error', onError);
}

/** An object or an array (an empty body reads as no fields), as body-parser's strict mode had it. */
function parseJsonBody(text: string): unknown {
  if (text.length === 0) return {};
  if (!/^\s*[[{]/.test(text)) throw refused(400, 'a JSON body must be an object or an array');
  try {
    return JSON.parse(text, refusePrototypeKeys);
  } catch (error) {
    throw refused(400, (error as Error).message);
  }
}

/** JSON.parse would keep `__proto__` as an own key that validation then drops silently: refuse it (400) like any unknown field. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype')
    throw new SyntaxError(`the field "${key}" is not allowed`);
  return value;
}

function refused(status: number, message: string): Error {
  return Object.assign(new Error(message), { status, expose: true });
}
