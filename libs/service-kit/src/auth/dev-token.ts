import { SignJWT } from 'jose';
import { Actor } from './actor';
import { DEFAULT_AUDIENCE, DEV_ISSUER, DEV_SECRET_DEFAULT } from './auth-config';

/** Mints a token the services accept in development mode only (tests and the `npm run token` script). */
export async function mintDevToken(
  actor: Actor,
  options: { secret?: string; expiresIn?: string; audience?: string } = {},
): Promise<string> {
  return new SignJWT({
    org: actor.orgId,
    role: actor.role,
    ...(actor.scopes?.length ? { scope: actor.scopes.join(' ') } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(actor.personId)
    .setIssuer(DEV_ISSUER)
    .setAudience(options.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(options.secret ?? process.env.AUTH_DEV_SECRET ?? DEV_SECRET_DEFAULT));
}
