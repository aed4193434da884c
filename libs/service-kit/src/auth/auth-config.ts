import { createLocalJWKSet, createRemoteJWKSet, importSPKI, JWTVerifyGetKey, KeyLike } from 'jose';

export const DEV_ISSUER = 'throughline-dev';
export const DEFAULT_AUDIENCE = 'throughline';
/** Used only in development mode; production refuses to start with it. */
export const DEV_SECRET_DEFAULT = 'throughline-development-secret-not-for-production';

export interface AuthConfig {
  issuer: string;
  audience: string;
  key: Uint8Array | KeyLike | JWTVerifyGetKey;
  algorithms: string[];
  devMode: boolean;
}

/**
 * Production verifies tokens of a real issuer (AUTH_JWKS_URL or AUTH_PUBLIC_KEY_PEM).
 * Development mode (THROUGHLINE_DEV_AUTH=true) accepts HS256 tokens of the dev issuer;
 * it is refused outright when NODE_ENV=production, so it cannot be switched on by accident.
 */
export async function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<AuthConfig> {
  const devMode = env.THROUGHLINE_DEV_AUTH === 'true';
  if (devMode && env.NODE_ENV === 'production') {
    throw new Error(
      'THROUGHLINE_DEV_AUTH=true is refused when NODE_ENV=production: configure AUTH_JWKS_URL or AUTH_PUBLIC_KEY_PEM instead.',
    );
  }
  const audience = env.AUTH_AUDIENCE ?? DEFAULT_AUDIENCE;
  if (devMode) {
    return {
      issuer: DEV_ISSUER,
      audience,
      key: new TextEncoder().encode(env.AUTH_DEV_SECRET ?? DEV_SECRET_DEFAULT),
      algorithms: ['HS256'],
      devMode,
    };
  }
  const issuer = env.AUTH_ISSUER;
  if (!issuer) throw new Error('AUTH_ISSUER is required (or THROUGHLINE_DEV_AUTH=true for local development).');
  if (env.AUTH_JWKS_URL)
    return {
      issuer,
      audience,
      key: createRemoteJWKSet(new URL(env.AUTH_JWKS_URL)),
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      devMode,
    };
  if (env.AUTH_JWKS_JSON)
    return {
      issuer,
      audience,
      key: createLocalJWKSet(JSON.parse(env.AUTH_JWKS_JSON)),
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      devMode,
    };
  if (env.AUTH_PUBLIC_KEY_PEM)
    return {
      issuer,
      audience,
      key: await importSPKI(env.AUTH_PUBLIC_KEY_PEM, env.AUTH_ALGORITHM ?? 'RS256'),
      algorithms: [env.AUTH_ALGORITHM ?? 'RS256'],
      devMode,
    };
  throw new Error(
    'Configure AUTH_JWKS_URL, AUTH_JWKS_JSON or AUTH_PUBLIC_KEY_PEM to verify bearer tokens (or THROUGHLINE_DEV_AUTH=true for local development).',
  );
}
