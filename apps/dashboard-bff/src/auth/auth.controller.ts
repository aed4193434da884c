import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessionsService } from '../sessions/sessions.service';
import { sendErrorPage } from './error-page';
import { IdentityProviderError, OidcClient } from './oidc-client';
import { PersonDirectory } from './person-directory';
import { SessionAccess } from './session-access.service';
import { clearCookie, readCookie, safeReturnTo, SESSION_COOKIE, setCookie, SIGN_IN_COOKIE } from './session-cookie';

/** Sign-in through the identity provider, the session the single-page app asks about, and sign-out. */
@Controller('auth')
export class AuthController {
  constructor(
    private readonly oidc: OidcClient,
    private readonly sessions: SessionsService,
    private readonly access: SessionAccess,
    private readonly directory: PersonDirectory,
  ) {}

  private get secure(): boolean {
    return this.oidc.publicUrl.startsWith('https:');
  }

  @Get('login')
  async login(@Query('returnTo') returnTo: unknown, @Res() reply: FastifyReply): Promise<void> {
    try {
      const request = await this.oidc.signInRequest();
      const attempt = await this.sessions.startSignIn({ ...request, returnTo: safeReturnTo(returnTo) });
      setCookie(reply, SIGN_IN_COOKIE, attempt, { secure: this.secure, path: '/auth', maxAgeSeconds: 600 });
      reply.redirect(request.url, 302);
    } catch (error) {
      if (!(error instanceof IdentityProviderError)) throw error;
      sendErrorPage(reply, 503, 'Sign-in is unavailable', `${error.message} Try again in a moment.`);
    }
  }

  @Get('callback')
  async callback(
    @Query('error') refused: unknown,
    @Query('error_description') description: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const attempt = await this.sessions.takeSignIn(readCookie(request, SIGN_IN_COOKIE) ?? '');
    clearCookie(reply, SIGN_IN_COOKIE, '/auth');
    if (!attempt) return sendErrorPage(reply, 400, 'This sign-in has expired', 'It took too long or was already used.');
    if (typeof refused === 'string')
      return sendErrorPage(
        reply,
        401,
        'Sign-in was not completed',
        `The sign-in service answered: ${String(description ?? refused)}.`,
      );
    let tokens;
    try {
      tokens = await this.oidc.exchangeCode(new URL(request.url, this.oidc.publicUrl), attempt);
    } catch (error) {
      return sendErrorPage(
        reply,
        502,
        'Sign-in could not be completed',
        error instanceof IdentityProviderError
          ? error.message
          : `The sign-in service refused: ${(error as Error).message}.`,
      );
    }
    const me = await this.directory.whoIs(tokens.accessToken);
    if (me.kind === 'unknown') return sendErrorPage(reply, 403, 'You are not a Throughline user yet', me.detail);
    if (me.kind === 'unavailable') return sendErrorPage(reply, 503, 'Throughline is not available', me.detail);
    const session = await this.sessions.create({ ...tokens, person: me.person, organisation: me.organisation });
    setCookie(reply, SESSION_COOKIE, session.id, { secure: this.secure, path: '/' });
    reply.redirect(attempt.returnTo, 302);
  }

  @Get('session')
  async session(@Req() request: FastifyRequest): Promise<object> {
    const session = await this.access.require(request);
    return { person: session.person, organisation: session.organisation ?? undefined, csrfToken: session.csrfToken };
  }

  /** Ends the session here and revokes its refresh token; `x-end-session-url` is where the browser can end the provider's session too. */
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const session = await this.sessions.find(readCookie(request, SESSION_COOKIE));
    if (session) {
      this.access.assertCsrf(request, session);
      await this.sessions.end(session);
      const endSession = await this.oidc.endSessionUrl(session.idToken);
      if (endSession) reply.header('x-end-session-url', endSession);
      await this.oidc.revoke(session.refreshToken);
    }
    clearCookie(reply, SESSION_COOKIE, '/');
  }
}
