import { createHmac } from 'node:crypto';
import { generateSecret, signatureHeader, verifySignature } from './webhook-signature';

const body = '{"specversion":"1.0","id":"e-1"}';
const secret = 'whsec_test';
const t = 1_767_600_000;

describe('webhook signatures', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureHeader([secret], t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it.each([
    ['a fresh signature', signatureHeader([secret], t, body), body, t + 10, { ok: true, timestamp: t }],
    [
      'one of two secrets during a rotation',
      signatureHeader(['whsec_new', secret], t, body),
      body,
      t,
      { ok: true, timestamp: t },
    ],
    [
      'a replay after the tolerance',
      signatureHeader([secret], t, body),
      body,
      t + 301,
      { ok: false, reason: expect.stringMatching(/tolerance/) },
    ],
    [
      'a timestamp from the future',
      signatureHeader([secret], t, body),
      body,
      t - 301,
      { ok: false, reason: expect.stringMatching(/tolerance/) },
    ],
    [
      'a changed body',
      signatureHeader([secret], t, body),
      body.replace('e-1', 'e-2'),
      t,
      { ok: false, reason: expect.stringMatching(/no v1/) },
    ],
    [
      'another secret',
      signatureHeader(['whsec_other'], t, body),
      body,
      t,
      { ok: false, reason: expect.stringMatching(/no v1/) },
    ],
    [
      'a changed timestamp',
      signatureHeader([secret], t, body).replace(`t=${t}`, `t=${t + 1}`),
      body,
      t,
      { ok: false, reason: expect.stringMatching(/no v1/) },
    ],
    ['no header', undefined, body, t, { ok: false, reason: expect.stringMatching(/missing/) }],
    ['garbage', 'v1=zz', body, t, { ok: false, reason: expect.stringMatching(/no timestamp/) }],
  ])('verifies %s', (_, header, received, now, expected) => {
    expect(verifySignature(header, received, secret, now)).toEqual(expected);
  });

  it('generates distinct, long secrets', () => {
    const [a, b] = [generateSecret(), generateSecret()];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});
