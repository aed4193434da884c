import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProviderSecrets {
  /** The RS256 signing key (private JWK); its public half is served at the JWKS endpoint. */
  signingKey: Record<string, unknown>;
  /** Keys of the provider's session cookies. */
  cookieKeys: string[];
}

/**
 * Generated at first start and kept in the development state directory (never in the
 * repository), so tokens and sessions stay valid across restarts; without a file, kept in memory.
 */
export function loadOrCreateSecrets(file?: string): ProviderSecrets {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ProviderSecrets;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const secrets: ProviderSecrets = {
    signingKey: { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' },
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}
