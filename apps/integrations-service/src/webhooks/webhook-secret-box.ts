import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** An encryption key with the id stored beside what it encrypted, so keys can be rotated. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

const SEALED = /^sealed:v1:([A-Za-z0-9_-]+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/**
 * Webhook signing secrets at rest: AES-256-GCM under the first configured key
 * (`sealed:v1:<key id>:<iv>:<tag>:<ciphertext>`); any configured key opens what it sealed.
 * Rotation: put the new key first and keep the old ones until `needsResealing` finds nothing.
 */
export class SecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly SecretKey[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  seal(secret: string): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [
      'sealed',
      'v1',
      id,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      sealed.toString('base64'),
    ].join(':');
  }

  /** The secret; a value stored before encryption was configured is returned as it is. */
  open(stored: string): string {
    const match = SEALED.exec(stored);
    if (!match) return stored;
    const [, id, iv, tag, sealed] = match;
    const key = this.byId.get(id);
    if (!key) throw new Error(`a webhook secret is sealed with key "${id}", which WEBHOOK_SECRET_KEYS no longer lists`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64')), decipher.final()]).toString('utf8');
  }

  /** Plaintext, or sealed with a key other than the current one. */
  needsResealing(stored: string): boolean {
    return SEALED.exec(stored)?.[1] !== this.keys[0].id;
  }
}

/** Outside production only: a fixed key, so local runs need no configuration (never secret). */
export const DEVELOPMENT_SECRET_KEY: SecretKey = {
  id: 'development',
  key: createHash('sha256').update('throughline-development-webhook-key').digest(),
};

/** `id:base64key,…` (32-byte keys) → keys; undefined when an entry is malformed. */
export function parseSecretKeys(text: string): SecretKey[] | undefined {
  const keys = text.split(',').map((entry) => {
    const [id, encoded] = entry.trim().split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    return /^[A-Za-z0-9_-]{1,40}$/.test(id ?? '') && key.length === 32 ? { id, key } : undefined;
  });
  return keys.every(Boolean) && keys.length > 0 ? (keys as SecretKey[]) : undefined;
}
