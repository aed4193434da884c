import { Inject, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { Actor, Role } from './actor';
import { AuthConfig } from './auth-config';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
export const IDENTITY_RESOLVER = Symbol('IDENTITY_RESOLVER');

/** Who an identity provider says signed in: its subject, and the email when the token carries one. */
export interface TokenIdentity {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified: boolean;
}

/** Maps a verified identity-provider token to the Throughline person it belongs to (role and organisation from the person record). */
export interface IdentityResolver {
  resolve(identity: TokenIdentity, token: string): Promise<Actor>;
}

/** What `GET /v1/people/me` of the strategy service answers (the person directory). */
export interface PersonMe {
  person: { id: string; name: string; email: string; role: Role; orgUnitId: string | null };
  organisation: { id: string; name: string };
  orgUnit: { id: string; name: string } | null;
}

/**
 * The services that do not own the person directory ask it, as a client would ask an OIDC
 * userinfo endpoint: strategy's `GET /v1/people/me` with the same token. The guard keeps the
 * answer with the token's verification, so it is asked once per token and minute, not per request.
 */
@Injectable()
export class DirectoryIdentityResolver implements IdentityResolver {
  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {}

  async resolve(_identity: TokenIdentity, token: string): Promise<Actor> {
    const directory = this.config.directoryUrl;
    if (!directory)
      throw new UnauthorizedException(
        "This service cannot map identity-provider tokens to people: set AUTH_DIRECTORY_URL to the strategy service's URL.",
      );
    let response: Response;
    try {
      response = await fetch(new URL('/v1/people/me', directory), {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5_000),
      });
    } catch {
      throw new ServiceUnavailableException(
        'The person directory (strategy service) cannot be reached to identify you; try again shortly.',
      );
    }
    if (response.status === 401 || response.status === 403 || response.status === 404) {
      const problem = (await response.json().catch(() => ({}))) as { detail?: string };
      throw new UnauthorizedException(problem.detail ?? 'No Throughline person has this identity.');
    }
    if (!response.ok)
      throw new ServiceUnavailableException(
        `The person directory (strategy service) answered ${response.status}; try again shortly.`,
      );
    const me = (await response.json()) as PersonMe;
    return { personId: me.person.id, orgId: me.organisation.id, role: me.person.role };
  }
}
