/**
 * A minimal Throughline webhook receiver: verifies the Standard Webhooks signature and its
 * timestamp with the `standardwebhooks` library (any Standard Webhooks verifier works),
 * ignores events it has already processed, and prints each event.
 *
 *   WEBHOOK_SECRET=whsec_... npx tsx examples/webhook-receiver.ts
 *
 * Register it (outside production plain http to loopback is allowed):
 *   POST http://127.0.0.1:3004/v1/webhooks {"url":"http://127.0.0.1:8787/webhooks","eventTypes":["*"]}
 * Settings: WEBHOOK_SECRET (required: the secret the registration returned), PORT (default 8787).
 * The library refuses timestamps more than 5 minutes from the clock (replays).
 */
import { IncomingHttpHeaders, createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { parseEvent } from '../libs/contracts/src';

const secret = process.env.WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 8787);
if (!secret) {
  console.error('Set WEBHOOK_SECRET to the secret POST /v1/webhooks returned.');
  process.exit(1);
}

/** `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC>` (two during a secret rotation). */
export function verify(headers: IncomingHttpHeaders, rawBody: string, key: string): string | null {
  try {
    new Webhook(key).verify(rawBody, headers as Record<string, string>);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const processed = new Set<string>(); // keep this in your database: deliveries are at least once

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    // Verify the raw bytes, before any JSON parsing: a re-serialised body would not match.
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const problem = request.method === 'POST' ? verify(request.headers, rawBody, secret) : 'POST only';
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
