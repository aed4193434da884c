/**
 * The Idempotency-Key request header (draft-ietf-httpapi-idempotency-key-header): a Structured
 * Field string, `Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"`. A bare token without
 * quotes is taken as the key too, since many clients send it so.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** How long a key and the first response it answered are kept: a retry after that is a new request. */
export const IDEMPOTENCY_KEY_RETENTION_HOURS = 24;

export type ParsedKey = { key: string | undefined } | { problem: string };

const PRINTABLE = /^[\x21-\x7e]+$/;
const SF_STRING = /^"((?:[\x20-\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

export function parseIdempotencyKey(header: string | undefined): ParsedKey {
  if (header === undefined) return { key: undefined };
  const text = header.trim();
  const quoted = SF_STRING.exec(text);
  if (!quoted && (text.startsWith('"') || !PRINTABLE.test(text)))
    return { problem: 'must be a string of printable ASCII characters, e.g. "8e03978e-40d5-43e8-bc93-6894a57f9324"' };
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : text;
  if (!key.trim() || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    return { problem: `must hold 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` };
  return { key };
}

/** What the first response of a key was, to answer again to the same request. */
export interface StoredResponse {
  status: number;
  body: unknown;
}
