import {
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { Session, SessionsService } from '../sessions/sessions.service';
import { IdentityProviderError, OidcClient, ProviderTokens, RefreshRefused } from './oidc-client';
import { readCookie, SESSION_COOKIE } from './session-cookie';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A token this close to its expiry is refreshed before use, so it cannot expire on its way to a service. */
const REFRESH_MARGIN_MS = 30_000;

/** The session behind a request, its CSRF check and a bearer token that is still valid. */
@Injectable()
export class SessionAccess {
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(
    private readonly sessions: SessionsService,
    @Inject(OidcClient) private readonly oidc: OidcClient,
  ) {}

  async require(request: FastifyRequest): Promise<Session> {
    const session = await this.sessions.find(readCookie(request, SESSION_COOKIE));
    if (!session) throw new UnauthorizedException('You are not signed in (or your session has ended): sign in again.');
    return session;
  }

  /** Writes need the session's CSRF token in `x-csrf-token`: a cross-site page can send the cookie, never the token. */
  assertCsrf(request: FastifyRequest, session: Session): void {
    if (SAFE_METHODS.has(request.method)) return;
    const sent = Buffer.from(String(request.headers['x-csrf-token'] ?? ''));
    const expected = Buffer.from(session.csrfToken);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected))
      throw new ForbiddenException('Send the x-csrf-token header with the token from GET /auth/session.');
  }

  /** The session's access token, refreshed at the identity provider when it is about to expire; one refresh per session at a time. */
  async bearerToken(session: Session): Promise<string> {
    if (session.accessExpiresAt.getTime() - Date.now() > REFRESH_MARGIN_MS) return session.accessToken;
    const running = this.refreshing.get(session.idHash);
    if (running) return running;
    const refresh = this.refresh(session).finally(() => this.refreshing.delete(session.idHash));
    this.refreshing.set(session.idHash, refresh);
    return refresh;
  }

  private async refresh(session: Session): Promise<string> {
    if (!session.refreshToken) return this.expire(session);
    let tokens: ProviderTokens;
    try {
      tokens = await this.oidc.refresh(session.refreshToken);
    } catch (error) {
      if (error instanceof RefreshRefused) return this.expire(session);
      // A provider that is away or slow ends nobody's session: the next request tries again.
      if (error instanceof IdentityProviderError)
        throw new ServiceUnavailableException(`${error.message}; try again in a moment.`);
      throw error;
    }
    await this.sessions.updateTokens(session, tokens);
    return tokens.accessToken;
  }

  private async expire(session: Session): Promise<never> {
    await this.sessions.end(session);
    throw new UnauthorizedException('Your sign-in has expired: sign in again.');
  }
}
