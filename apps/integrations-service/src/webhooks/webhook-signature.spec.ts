import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateSecret, signedHeaders } from './webhook-signature';

describe('webhook signatures (Standard Webhooks)', () => {
  const body = '{"specversion":"1.0","id":"e1"}';
  const secret = generateSecret();

  it('are accepted by the Standard Webhooks verifier', () => {
    const headers = signedHeaders([secret], 'e1', new Date(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('carry one signature per valid secret during a rotation, each verifiable on its own', () => {
    const previous = generateSecret();
    const headers = signedHeaders([secret, previous], 'e1', new Date(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(secret).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
  });

  it.each([
    ['another secret', (headers: Record<string, string>) => ({ headers, body, secret: generateSecret() })],
    ['a changed body', (headers: Record<string, string>) => ({ headers, body: body + ' ', secret })],
    [
      'a changed id',
      (headers: Record<string, string>) => ({ headers: { ...headers, 'webhook-id': 'e2' }, body, secret }),
    ],
  ])('are refused with %s', (_, tamper) => {
    const given = tamper(signedHeaders([secret], 'e1', new Date(), body));
    expect(() => new Webhook(given.secret).verify(given.body, given.headers)).toThrow(WebhookVerificationError);
  });

  it('are refused outside the five-minute replay window', () => {
    const headers = signedHeaders([secret], 'e1', new Date(Date.now() - 6 * 60_000), body);
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/too old/i);
  });

  it('uses fresh 32-byte secrets', () => {
    const [a, b] = [generateSecret(), generateSecret()];
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });
});
