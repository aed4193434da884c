import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messagePage, signInPage } from './sign-in-page';
import { loadOrCreateSecrets } from './signing-keys';

export interface DevUser {
  name: string;
  email: string;
  password: string;
}

export interface DevClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface DevIdentityProviderOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The address browsers and the dashboard reach it at, when not http://<host>:<port> (in a container it listens on 0.0.0.0). */
  issuer?: string;
  users: DevUser[];
  clients: DevClient[];
  /** The `aud` of access tokens: what the services expect (AUTH_AUDIENCE). */
  audience?: string;
  accessTokenTtlSeconds?: number;
  /** Where the signing key is kept between starts; without it, a fresh key per start. */
  secretsFile?: string;
}

export interface DevIdentityProvider {
  issuer: string;
  jwksUrl: string;
  stop(): Promise<void>;
}

/** The resource indicator of the Throughline APIs: every access token is a JWT for it. */
export const API_RESOURCE = 'urn:throughline:api';

/** A stable subject per e-mail that is not a Throughline id, as a company's provider would issue: the services map it. */
export function subjectOf(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

/**
 * A development OpenID Connect provider on `oidc-provider` (a certified implementation):
 * authorization code with PKCE, refresh tokens, RS256 JWT access tokens carrying `email` and
 * `email_verified`, JWKS, discovery and RP-initiated logout; the sign-in form is plain HTML.
 */
export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  // oidc-provider is an ES module; this app compiles to CommonJS, so it is loaded with import().
  const { default: Provider } = await import('oidc-provider');
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const issuer = options.issuer ?? `http://${host}:${(server.address() as AddressInfo).port}`;
  const audience = options.audience ?? 'throughline';
  const secrets = loadOrCreateSecrets(options.secretsFile);
  const usersBySubject = new Map(options.users.map((user) => [subjectOf(user.email), user]));
  const claimsOf = (user: DevUser) => ({ email: user.email, email_verified: true, name: user.name });

  const provider = new Provider(issuer, {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [secrets.signingKey as never] },
    cookies: { keys: secrets.cookieKeys },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (_ctx, sub) => {
      const user = usersBySubject.get(sub);
      return user && { accountId: sub, claims: async () => ({ sub, ...claimsOf(user) }) };
    },
    // The identity and the e-mail travel in the access token too: the services map it to a person.
    extraTokenClaims: async (_ctx, token) => {
      const user = token.kind === 'AccessToken' && token.accountId ? usersBySubject.get(token.accountId) : undefined;
      return user ? { email: user.email, email_verified: true } : undefined;
    },
    // First-party client: no consent screen; refresh tokens without the offline_access prompt dance.
    loadExistingGrant: async (ctx) => {
      const client = ctx.oidc.client!;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid email profile offline_access');
      grant.addResourceScope(API_RESOURCE, 'openid email profile offline_access');
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
      RefreshToken: 8 * 3600,
      Interaction: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'openid email profile offline_access',
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: options.accessTokenTtlSeconds ?? 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    renderError: async (ctx, _out, error) => {
      ctx.type = 'html';
      ctx.body = messagePage('Sign-in problem', error.message);
    },
  });

  const accounts = options.users;
  const interactions = async (request: IncomingMessage, response: ServerResponse) => {
    const [, , uid, action] = new URL(request.url!, issuer).pathname.split('/');
    try {
      const details = await provider.interactionDetails(request, response);
      if (details.uid !== uid) throw new Error('This sign-in page has expired; start again from the application.');
      if (request.method === 'GET')
        return html(
          response,
          200,
          signInPage({ action: `/interaction/${uid}/login`, clientName: 'Throughline', accounts }),
        );
      if (request.method === 'POST' && action === 'login') {
        const form = new URLSearchParams(await readBody(request));
        const email = form.get('email') ?? '';
        const user = accounts.find(
          (candidate) =>
            candidate.email.toLowerCase() === email.trim().toLowerCase() && candidate.password === form.get('password'),
        );
        if (!user)
          return html(
            response,
            401,
            signInPage({
              action: `/interaction/${uid}/login`,
              clientName: 'Throughline',
              email,
              error: 'The e-mail or the password is wrong.',
              accounts,
            }),
          );
        return await provider.interactionFinished(
          request,
          response,
          { login: { accountId: subjectOf(user.email) } },
          { mergeWithLastSubmission: false },
        );
      }
      html(response, 405, messagePage('Not allowed', 'Use the sign-in form.'));
    } catch (error) {
      html(response, 400, messagePage('Sign-in problem', (error as Error).message));
    }
  };
  const callback = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.startsWith('/interaction/')) void interactions(request, response);
    else callback(request, response);
  });
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    stop: () => closeServer(server),
  };
}

function html(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 10_000) throw new Error('The form is too large.');
  }
  return body;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
