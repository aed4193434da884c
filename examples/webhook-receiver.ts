/**
 * A minimal Throughline webhook receiver: verifies the signature and its timestamp,
 * ignores events it has already processed, and prints each event.
 *
 *   WEBHOOK_SECRET=whsec_... npx tsx examples/webhook-receiver.ts
 *
 * Register it (outside production plain http to loopback is allowed):
 *   POST http://127.0.0.1:3004/v1/webhooks {"url":"http://127.0.0.1:8787/webhooks","eventTypes":["*"]}
 * Settings: WEBHOOK_SECRET (required: the secret the registration returned), PORT (default 8787),
 * TOLERANCE_SECONDS (default 300: older or future timestamps are refused as replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { parseEvent } from '../libs/contracts/src';

const secret = process.env.WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 8787);
const toleranceSeconds = Number(process.env.TOLERANCE_SECONDS ?? 300);
if (!secret) {
  console.error('Set WEBHOOK_SECRET to the secret POST /v1/webhooks returned.');
  process.exit(1);
}

/** `webhook-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` — several v1 during a secret rotation. */
export function verify(
  header: string | undefined,
  rawBody: string,
  key: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | null {
  if (!header) return 'missing webhook-signature header';
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([name]) => name === 't')?.[1]);
  if (!Number.isInteger(t)) return 'no timestamp in the signature';
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return 'timestamp outside the tolerance (a replay?)';
  const expected = createHmac('sha256', key).update(`${t}.${rawBody}`).digest();
  const ok = parts.some(
    ([name, value]) =>
      name === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '') && timingSafeEqual(Buffer.from(value, 'hex'), expected),
  );
  return ok ? null : 'signature does not match';
}

const processed = new Set<string>(); // keep this in your database: deliveries are at least once

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    // Verify the raw bytes, before any JSON parsing: a re-serialised body would not match.
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const problem =
      request.method === 'POST'
        ? verify(request.headers['webhook-signature'] as string | undefined, rawBody, secret)
        : 'POST only';
    if (problem) {
      console.warn(`refused: ${problem}`);
      response.writeHead(401).end(problem);
      return;
    }
    const event = parseEvent(rawBody);
    if (!processed.has(event.id)) {
      processed.add(event.id);
      console.log(
        `${event.time} ${event.type} subject=${event.subject} (attempt ${request.headers['webhook-attempt']})`,
      );
      console.log(`  ${JSON.stringify(event.data)}`);
    }
    // Answer 2xx quickly; anything else (or no answer within 10 s) is retried with backoff.
    response.writeHead(204).end();
  });
}).listen(port, '127.0.0.1', () => console.log(`webhook receiver on http://127.0.0.1:${port}/webhooks`));
