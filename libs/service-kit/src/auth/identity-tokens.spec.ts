import { randomUUID } from 'node:crypto';
import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Actor } from './actor';
import { AuthGuard } from './auth.guard';
import { TokenIdentity } from './identity';

const ISSUER = 'https://idp.example.com';
const person: Actor = { personId: randomUUID(), orgId: randomUUID(), role: 'director' };

/** An identity provider's RS256 tokens: the guard verifies them by the JWKS and hands the identity to the resolver. */
describe('AuthGuard with identity-provider tokens', () => {
  let sign: (claims: Record<string, unknown>, issuer?: string) => Promise<string>;
  let guard: AuthGuard;
  const seen: TokenIdentity[] = [];

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] };
    sign = (claims, issuer = ISSUER) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience('throughline')
        .setExpirationTime('5m')
        .sign(privateKey);
    guard = new AuthGuard(
      new Reflector(),
      {
        issuers: [
          {
            issuer: ISSUER,
            audience: 'throughline',
            key: createLocalJWKSet(jwks),
            algorithms: ['RS256'],
            names: 'identity',
          },
        ],
        devMode: false,
        emailClaim: 'upn',
        emailVerifiedClaim: 'email_verified',
      },
      {
        resolve: async (identity) => {
          seen.push(identity);
          if (identity.subject === 'stranger')
            throw new UnauthorizedException('No Throughline person has this identity.');
          return person;
        },
      },
    );
  });

  const activate = (token: string) => {
    const http: { headers: { authorization: string }; actor?: Actor } = {
      headers: { authorization: `Bearer ${token}` },
    };
    const context = {
      getHandler: () => activate,
      getClass: () => AuthGuard,
      switchToHttp: () => ({ getRequest: () => http }),
    } as unknown as ExecutionContext;
    return guard.canActivate(context).then(() => http.actor);
  };

  it('maps a login whose subject is no Throughline id, reading the e-mail from the configured claim', async () => {
    const token = await sign({ sub: '00u1abcd', upn: 'dana@example.com', email_verified: true });
    await expect(activate(token)).resolves.toEqual(person);
    expect(seen.at(-1)).toEqual({
      issuer: ISSUER,
      subject: '00u1abcd',
      email: 'dana@example.com',
      emailVerified: true,
    });
  });

  it('passes an unverified e-mail on as unverified', async () => {
    await activate(await sign({ sub: 'other', upn: 'mia@example.com' }));
    expect(seen.at(-1)).toMatchObject({ subject: 'other', emailVerified: false });
  });

  it('refuses what the resolver does not know, another issuer, and a token without a subject', async () => {
    await expect(activate(await sign({ sub: 'stranger' }))).rejects.toThrow('No Throughline person has this identity.');
    await expect(activate(await sign({ sub: 'x' }, 'https://evil.example.com'))).rejects.toThrow(
      'Tokens of the issuer https://evil.example.com are not accepted here.',
    );
    await expect(activate(await sign({}))).rejects.toThrow("The identity provider's token has no subject (sub).");
  });
});
