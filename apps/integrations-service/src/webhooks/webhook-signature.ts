import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Webhook signatures in the Standard Webhooks format (https://www.standardwebhooks.com), made
 * by its reference library so that any standard verifier accepts them:
 * `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64
 * HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. While a rotated-out secret is still valid, a
 * second `v1,…` entry (space-separated) is signed with it.
 */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function signedHeaders(
  secrets: readonly string[],
  messageId: string,
  at: Date,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(messageId, at, body)).join(' '),
  };
}
