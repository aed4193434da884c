import { randomBytes } from 'node:crypto';
import { parseSecretKeys, SecretBox } from './webhook-secret-box';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('webhook secrets at rest', () => {
  const secret = 'whsec_' + randomBytes(32).toString('base64');

  it('seals with the first key and never stores the secret in clear', () => {
    const box = new SecretBox([key('k1')]);
    const sealed = box.seal(secret);
    expect(sealed).toMatch(/^sealed:v1:k1:/);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(box.open(sealed)).toBe(secret);
    expect(box.seal(secret)).not.toBe(sealed);
  });

  it('opens what older keys sealed after a rotation and says what needs resealing', () => {
    const [k1, k2] = [key('k1'), key('k2')];
    const before = new SecretBox([k1]).seal(secret);
    const rotated = new SecretBox([k2, k1]);
    expect(rotated.open(before)).toBe(secret);
    expect(rotated.needsResealing(before)).toBe(true);
    expect(rotated.needsResealing(rotated.seal(secret))).toBe(false);
    expect(rotated.needsResealing(secret)).toBe(true);
    expect(rotated.open(secret)).toBe(secret);
  });

  it('refuses a tampered value and names a key that is gone', () => {
    const [k1, k2] = [key('k1'), key('k2')];
    const sealed = new SecretBox([k1]).seal(secret);
    const parts = sealed.split(':');
    parts[5] = Buffer.from('x' + Buffer.from(parts[5], 'base64').toString('latin1'), 'latin1').toString('base64');
    expect(() => new SecretBox([k1]).open(parts.join(':'))).toThrow();
    expect(() => new SecretBox([k2]).open(sealed)).toThrow(/key "k1"/);
  });

  it('reads WEBHOOK_SECRET_KEYS', () => {
    const encoded = randomBytes(32).toString('base64');
    expect(parseSecretKeys(`new:${encoded}, old:${encoded}`)?.map(({ id }) => id)).toEqual(['new', 'old']);
    expect(parseSecretKeys('short:AAAA')).toBeUndefined();
    expect(parseSecretKeys('no-key')).toBeUndefined();
  });
});
