import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { errors, jwtVerify } from 'jose';
import { Actor, Role, ROLES } from './actor';
import { AuthConfig } from './auth-config';
import { VerifiedTokens } from './verified-tokens';
import { currentRequestContext } from '../http/correlation-id';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
const PUBLIC = 'throughline:public';
const ALLOWED_ROLES = 'throughline:roles';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Health, metrics and docs are open; everything else needs a bearer token. */
export const Public = () => SetMetadata(PUBLIC, true);
/**
 * Roles allowed on a route, checked in the guard before the handler runs. Use it only on
 * routes without a resource id in the path: there the service's access policy decides after
 * its tenant-scoped lookup, so another organisation's id answers 404, never 403.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor =>
    context.switchToHttp().getRequest<Request & { actor: Actor }>().actor,
);

@Injectable()
export class AuthGuard implements CanActivate {
  /** Clients send the same token on every request: its signature is checked once per minute, never past its exp. */
  private readonly verified = new VerifiedTokens({ maxEntries: 10_000, maxAgeMs: 60_000 });

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const actor = await this.authenticate(request.header('authorization'));
    request.actor = actor;
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.actor = actor;
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
    const known = this.verified.get(match[1]);
    if (known) return known;
    try {
      const verify = jwtVerify as (token: string, key: unknown, options: object) => ReturnType<typeof jwtVerify>;
      const { payload } = await verify(match[1], this.config.key, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.config.algorithms,
      });
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
      const actor: Actor = { personId: sub.toLowerCase(), orgId: org.toLowerCase(), role: role as Role };
      this.verified.remember(match[1], actor, payload.exp);
      return actor;
    } catch (error) {
      if (error instanceof UnauthorizedException) throw error;
      if (error instanceof errors.JWTExpired) throw new UnauthorizedException('The token has expired; get a new one.');
      throw new UnauthorizedException(`The token was refused: ${(error as Error).message}`);
    }
  }
}
