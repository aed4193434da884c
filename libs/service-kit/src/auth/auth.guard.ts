import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { decodeJwt, errors, JWTPayload, jwtVerify } from 'jose';
import { Actor, Role, ROLES, TokenScope, tokenScopes } from './actor';
import { AuthConfig, TrustedIssuer } from './auth-config';
import { AUTH_CONFIG, IDENTITY_RESOLVER, IdentityResolver, TokenIdentity } from './identity';
import { VerifiedTokens } from './verified-tokens';
import { currentRequestContext } from '../http/correlation-id';

const PUBLIC = 'throughline:public';
const ALLOWED_ROLES = 'throughline:roles';
const ACCEPTED_SCOPES = 'throughline:scopes';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Health, metrics and docs are open; everything else needs a bearer token. */
export const Public = () => SetMetadata(PUBLIC, true);
/**
 * Roles allowed on a route, checked in the guard before the handler runs. Use it only on
 * routes without a resource id in the path: there the service's access policy decides after
 * its tenant-scoped lookup, so another organisation's id answers 404, never 403.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);
/** The scopes that open a route to a narrowed token; a scoped token is refused (403) everywhere else. */
export const Scopes = (...scopes: TokenScope[]) => SetMetadata(ACCEPTED_SCOPES, scopes);

export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor =>
    context.switchToHttp().getRequest<FastifyRequest & { actor: Actor }>().actor,
);

@Injectable()
export class AuthGuard implements CanActivate {
  /** Clients send the same token on every request: its signature is checked once per minute, never past its exp. */
  private readonly verified = new VerifiedTokens({ maxEntries: 10_000, maxAgeMs: 60_000 });

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(IDENTITY_RESOLVER) private readonly identities: IdentityResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const actor = await this.authenticate(request.headers.authorization);
    request.actor = actor;
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.actor = actor;
    if (actor.scopes) {
      const accepted = this.reflector.getAllAndOverride<TokenScope[] | undefined>(ACCEPTED_SCOPES, targets) ?? [];
      if (!actor.scopes.some((scope) => accepted.includes(scope)))
        throw new ForbiddenException(
          `Your token is limited to the scope ${actor.scopes.join(' ')}, which does not open this route.`,
        );
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(actor.role)) {
      throw new ForbiddenException(
        `This action needs one of the roles ${allowed.join(', ')}; your token has role ${actor.role}.`,
      );
    }
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new UnauthorizedException('Send a bearer token: Authorization: Bearer <JWT>.');
    const token = match[1];
    const known = this.verified.get(token);
    if (known) return known;
    try {
      const trusted = this.issuerOf(token);
      const verify = jwtVerify as (token: string, key: unknown, options: object) => ReturnType<typeof jwtVerify>;
      const { payload } = await verify(token, trusted.key, {
        issuer: trusted.issuer,
        audience: trusted.audience,
        algorithms: trusted.algorithms,
      });
      const person =
        trusted.names === 'actor'
          ? actorFromClaims(payload)
          : await this.identities.resolve(this.identityOf(trusted, payload), token);
      const scopes = tokenScopes(payload.scope);
      const actor: Actor = scopes.length ? { ...person, scopes } : person;
      this.verified.remember(token, actor, payload.exp);
      return actor;
    } catch (error) {
      if (error instanceof HttpException) throw error;
      if (error instanceof errors.JWTExpired) throw new UnauthorizedException('The token has expired; get a new one.');
      throw new UnauthorizedException(`The token was refused: ${(error as Error).message}`);
    }
  }

  /** The configured issuer the token claims to come from; its signature is checked against that issuer's keys next. */
  private issuerOf(token: string): TrustedIssuer {
    const { iss } = decodeJwt(token);
    const trusted = this.config.issuers.find((candidate) => candidate.issuer === iss);
    if (!trusted) throw new UnauthorizedException(`Tokens of the issuer ${String(iss)} are not accepted here.`);
    return trusted;
  }

  private identityOf(trusted: TrustedIssuer, payload: JWTPayload): TokenIdentity {
    if (typeof payload.sub !== 'string' || !payload.sub)
      throw new UnauthorizedException("The identity provider's token has no subject (sub).");
    const email = payload[this.config.emailClaim];
    const verified =
      this.config.emailVerifiedClaim === 'none' ? true : payload[this.config.emailVerifiedClaim] === true;
    return {
      issuer: trusted.issuer,
      subject: payload.sub,
      email: typeof email === 'string' ? email : undefined,
      emailVerified: typeof email === 'string' && verified,
    };
  }
}

/** A dev token names its actor: sub (person id), org (organisation id) and role. */
function actorFromClaims(payload: JWTPayload): Actor {
  const { sub, org, role } = payload as { sub?: unknown; org?: unknown; role?: unknown };
  if (
    typeof sub !== 'string' ||
    !UUID.test(sub) ||
    typeof org !== 'string' ||
    !UUID.test(org) ||
    !ROLES.includes(role as Role)
  ) {
    throw new UnauthorizedException(
      'The token must carry sub (person id), org (organisation id) and role (director, manager, integrator or admin).',
    );
  }
  return { personId: sub.toLowerCase(), orgId: org.toLowerCase(), role: role as Role };
}
