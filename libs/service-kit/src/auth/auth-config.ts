import { configurationError, env, EnvOf, EnvProblem, runtimeEnvSchema } from '@throughline/config';
import { z } from 'zod';
import { createLocalJWKSet, createRemoteJWKSet, importSPKI, JWTVerifyGetKey, KeyLike } from 'jose';

export const DEV_ISSUER = 'throughline-dev';
export const DEFAULT_AUDIENCE = 'throughline';
/** Used only in development mode; production refuses to start with it. */
export const DEV_SECRET_DEFAULT = 'throughline-development-secret-not-for-production';

/**
 * An issuer whose tokens a service accepts. Dev tokens (`npm run token`) name the actor in their
 * claims (sub = person id, org, role); an identity provider's tokens name a login, which the
 * person directory maps to a Throughline person (by stored external subject or verified email).
 */
export interface TrustedIssuer {
  issuer: string;
  audience: string;
  key: Uint8Array | KeyLike | JWTVerifyGetKey;
  algorithms: string[];
  names: 'actor' | 'identity';
}

export interface AuthConfig {
  issuers: TrustedIssuer[];
  devMode: boolean;
  /** Claim names of an identity provider's tokens (Entra, Okta and Keycloak differ). */
  emailClaim: string;
  emailVerifiedClaim: string;
  /** The person directory (the strategy service) that maps an identity to a person, for services that do not own it. */
  directoryUrl?: string;
}

export const authEnvSchema = z.object({
  ...runtimeEnvSchema.shape,
  THROUGHLINE_DEV_AUTH: env.boolean({
    description: 'accept dev-issuer HS256 tokens (`npm run token`); refused when `NODE_ENV=production`',
    default: false,
    defaultText: '`true` under `npm start`',
  }),
  AUTH_DEV_SECRET: env.string({
    description: 'the HS256 secret of development tokens',
    defaultText: 'a fixed dev secret',
  }),
  AUTH_ISSUER: env.string({ description: 'expected JWT issuer (required unless development tokens are on)' }),
  AUTH_AUDIENCE: env.string({ description: 'expected JWT audience', default: DEFAULT_AUDIENCE }),
  AUTH_JWKS_URL: env.url({ description: 'JWKS of the issuer', protocols: ['https', 'http'] }),
  AUTH_JWKS_JSON: env.string({ description: 'a JWKS document inline', allowed: 'a JSON object with `keys`' }),
  AUTH_PUBLIC_KEY_PEM: env.string({ description: 'an SPKI public key (PEM) that verifies tokens' }),
  AUTH_EMAIL_CLAIM: env.string({
    description: "the identity provider's claim with the person's email",
    default: 'email',
  }),
  AUTH_EMAIL_VERIFIED_CLAIM: env.string({
    description: 'the claim saying the email is verified (`none` when the provider only issues verified emails)',
    default: 'email_verified',
  }),
  AUTH_DIRECTORY_URL: env.url({
    description:
      "the strategy service's base URL, where the other services map an identity provider's token to a person",
    protocols: ['https', 'http'],
  }),
  AUTH_ALGORITHM: env.oneOf(['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'], {
    description: 'the algorithm of `AUTH_PUBLIC_KEY_PEM`',
    default: 'RS256',
  }),
});
export type AuthEnv = EnvOf<typeof authEnvSchema>;

/** The rules between the auth variables, each as a problem with the variable to fix (checked with the rest at boot). */
export function authEnvProblems(settings: AuthEnv): EnvProblem[] {
  if (settings.THROUGHLINE_DEV_AUTH && (settings.NODE_ENV === 'production' || !settings.AUTH_ISSUER))
    return settings.NODE_ENV === 'production'
      ? [
          {
            variable: 'THROUGHLINE_DEV_AUTH',
            message:
              'must not be true when NODE_ENV=production: configure AUTH_JWKS_URL or AUTH_PUBLIC_KEY_PEM instead',
          },
        ]
      : [];
  if (!settings.AUTH_ISSUER)
    return [{ variable: 'AUTH_ISSUER', message: 'is required (or THROUGHLINE_DEV_AUTH=true for local development)' }];
  if (!settings.AUTH_JWKS_URL && !settings.AUTH_JWKS_JSON && !settings.AUTH_PUBLIC_KEY_PEM)
    return [
      {
        variable: 'AUTH_JWKS_URL',
        message:
          '(or AUTH_JWKS_JSON or AUTH_PUBLIC_KEY_PEM) is required to verify bearer tokens (or THROUGHLINE_DEV_AUTH=true for local development)',
      },
    ];
  if (settings.AUTH_JWKS_JSON && !isJwks(settings.AUTH_JWKS_JSON))
    return [{ variable: 'AUTH_JWKS_JSON', message: 'must be a JSON object with `keys`' }];
  return [];
}

function isJwks(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text).keys);
  } catch {
    return false;
  }
}

/**
 * Production verifies the tokens of a real identity provider (AUTH_ISSUER with AUTH_JWKS_URL,
 * AUTH_JWKS_JSON or AUTH_PUBLIC_KEY_PEM). Development mode (THROUGHLINE_DEV_AUTH=true) also
 * accepts HS256 tokens of the dev issuer, beside the development identity provider when
 * AUTH_ISSUER is set; it is refused outright when NODE_ENV=production, so it cannot be switched
 * on by accident.
 */
export async function authConfig(settings: AuthEnv): Promise<AuthConfig> {
  const [problem] = authEnvProblems(settings);
  if (problem) throw configurationError(problem);
  const devMode = settings.THROUGHLINE_DEV_AUTH;
  const audience = settings.AUTH_AUDIENCE;
  const issuers: TrustedIssuer[] = [];
  if (devMode)
    issuers.push({
      issuer: DEV_ISSUER,
      audience,
      key: new TextEncoder().encode(settings.AUTH_DEV_SECRET ?? DEV_SECRET_DEFAULT),
      algorithms: ['HS256'],
      names: 'actor',
    });
  if (settings.AUTH_ISSUER)
    issuers.push({
      ...(await identityProviderKey(settings)),
      issuer: settings.AUTH_ISSUER,
      audience,
      names: 'identity',
    });
  return {
    issuers,
    devMode,
    emailClaim: settings.AUTH_EMAIL_CLAIM,
    emailVerifiedClaim: settings.AUTH_EMAIL_VERIFIED_CLAIM,
    directoryUrl: settings.AUTH_DIRECTORY_URL,
  };
}

async function identityProviderKey(settings: AuthEnv): Promise<Pick<TrustedIssuer, 'key' | 'algorithms'>> {
  if (settings.AUTH_JWKS_URL)
    return { key: createRemoteJWKSet(new URL(settings.AUTH_JWKS_URL)), algorithms: ['RS256', 'ES256', 'EdDSA'] };
  if (settings.AUTH_JWKS_JSON)
    return { key: createLocalJWKSet(JSON.parse(settings.AUTH_JWKS_JSON)), algorithms: ['RS256', 'ES256', 'EdDSA'] };
  return {
    key: await importSPKI(settings.AUTH_PUBLIC_KEY_PEM!, settings.AUTH_ALGORITHM),
    algorithms: [settings.AUTH_ALGORITHM],
  };
}
