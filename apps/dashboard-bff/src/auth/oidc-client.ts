import { Inject, Injectable } from '@nestjs/common';
import { BFF_SETTINGS, DashboardBffEnv } from '../dashboard-bff.config';

type OpenIdClient = typeof import('openid-client', { with: { 'resolution-mode': 'import' } });
type ProviderConfiguration = import('openid-client', { with: { 'resolution-mode': 'import' } }).Configuration;

export interface SignInRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface ProviderTokens {
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string | null;
  idToken: string | null;
}

/** The identity provider could not be reached or refused the exchange: a page says so, never a blank one. */
export class IdentityProviderError extends Error {}

/** The identity provider answered that a refresh token is no longer good: the session has ended. */
export class RefreshRefused extends Error {}

/**
 * The dashboard as an OpenID Connect client (openid-client, certified): authorization code
 * with PKCE, state and nonce; refresh; RP-initiated logout. Discovery happens at the first
 * sign-in and is retried on the next while the provider is unreachable.
 */
@Injectable()
export class OidcClient {
  private configuration?: Promise<ProviderConfiguration>;
  private library?: Promise<OpenIdClient>;

  constructor(@Inject(BFF_SETTINGS) private readonly settings: DashboardBffEnv) {}

  get redirectUri(): string {
    return `${this.publicUrl}/auth/callback`;
  }

  get publicUrl(): string {
    return (this.settings.DASHBOARD_PUBLIC_URL ?? `http://127.0.0.1:${this.settings.PORT}`).replace(/\/$/, '');
  }

  async signInRequest(): Promise<SignInRequest> {
    const [client, configuration] = await Promise.all([this.client(), this.discover()]);
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: this.settings.OIDC_SCOPES,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(this.settings.OIDC_RESOURCE ? { resource: this.settings.OIDC_RESOURCE } : {}),
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  async exchangeCode(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<ProviderTokens> {
    const [client, configuration] = await Promise.all([this.client(), this.discover()]);
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    return tokensOf(tokens);
  }

  /**
   * New tokens for a refresh token. Throws `RefreshRefused` when the provider answers that the
   * grant is no good (the session cannot go on), `IdentityProviderError` when it cannot be asked.
   */
  async refresh(refreshToken: string): Promise<ProviderTokens> {
    const [client, configuration] = await Promise.all([this.client(), this.discover()]);
    try {
      const tokens = tokensOf(await client.refreshTokenGrant(configuration, refreshToken));
      return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    } catch (error) {
      if (error instanceof client.ResponseBodyError && error.status < 500)
        throw new RefreshRefused(`The sign-in service refused the refresh (${error.error}).`);
      throw new IdentityProviderError(
        `The sign-in service cannot renew your access right now (${(error as Error).message})`,
      );
    }
  }

  /** Where to send the browser to end the provider's own session, when it offers that. */
  async endSessionUrl(idToken: string | null): Promise<string | null> {
    try {
      const [client, configuration] = await Promise.all([this.client(), this.discover()]);
      if (!configuration.serverMetadata().end_session_endpoint) return null;
      return client.buildEndSessionUrl(configuration, {
        ...(idToken ? { id_token_hint: idToken } : {}),
        post_logout_redirect_uri: `${this.publicUrl}/`,
      }).href;
    } catch {
      return null;
    }
  }

  /** Revokes the refresh token at the provider (best effort: the session is gone here either way). */
  async revoke(refreshToken: string | null): Promise<void> {
    if (!refreshToken) return;
    try {
      const [client, configuration] = await Promise.all([this.client(), this.discover()]);
      if (configuration.serverMetadata().revocation_endpoint)
        await client.tokenRevocation(configuration, refreshToken, { token_type_hint: 'refresh_token' });
    } catch {
      // The provider is away: its refresh token expires by itself.
    }
  }

  private client(): Promise<OpenIdClient> {
    // openid-client is an ES module; this app compiles to CommonJS, so it is loaded with import().
    this.library ??= import('openid-client');
    return this.library;
  }

  private discover(): Promise<ProviderConfiguration> {
    this.configuration ??= this.client().then(async (client) => {
      const issuer = new URL(this.settings.OIDC_ISSUER!);
      try {
        return await client.discovery(
          issuer,
          this.settings.OIDC_CLIENT_ID!,
          this.settings.OIDC_CLIENT_SECRET!,
          undefined,
          // Plain http only for a provider on this machine (the development one).
          isLoopback(issuer) ? { execute: [client.allowInsecureRequests], timeout: 5 } : { timeout: 5 },
        );
      } catch (error) {
        this.configuration = undefined;
        throw new IdentityProviderError(
          `The sign-in service at ${issuer.origin} cannot be reached (${(error as Error).message}).`,
        );
      }
    });
    return this.configuration;
  }
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function tokensOf(tokens: {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expiresIn(): number | undefined;
}): ProviderTokens {
  return {
    accessToken: tokens.access_token,
    accessExpiresAt: new Date(Date.now() + (tokens.expiresIn() ?? 300) * 1000),
    refreshToken: tokens.refresh_token ?? null,
    idToken: tokens.id_token ?? null,
  };
}
