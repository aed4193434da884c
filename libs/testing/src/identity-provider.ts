import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

export interface DevAccount {
  name: string;
  email: string;
  password: string;
}

export interface IdentityProviderProcess {
  issuer: string;
  jwksUrl: string;
  /** The environment that makes a service accept this provider's tokens. */
  serviceEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface IdentityProviderProcessOptions {
  users: DevAccount[];
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  accessTokenTtlSeconds?: number;
  port?: number;
}

/**
 * The real development identity provider (oidc-provider) as a process, from the build
 * (`buildServices()` first): oidc-provider is an ES module, which jest's module system cannot load.
 */
export async function startIdentityProviderProcess(
  options: IdentityProviderProcessOptions,
): Promise<IdentityProviderProcess> {
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'tools/runtime-paths.js'), join(root, 'dist/apps/dev-identity-provider/src/main.js')],
    {
      cwd: root,
      env: {
        ...process.env,
        DEV_IDP_PORT: String(options.port ?? 0),
        DEV_IDP_USERS: JSON.stringify(options.users),
        DEV_IDP_CLIENT_ID: options.clientId,
        DEV_IDP_CLIENT_SECRET: options.clientSecret,
        DEV_IDP_REDIRECT_URIS: options.redirectUris.join(','),
        DEV_IDP_POST_LOGOUT_REDIRECT_URIS: (options.postLogoutRedirectUris ?? options.redirectUris).join(','),
        DEV_IDP_ACCESS_TOKEN_TTL_SECONDS: String(options.accessTokenTtlSeconds ?? 600),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const issuer = await announcedUrl(child, /Development identity provider at (\S+)/);
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    serviceEnv: { AUTH_ISSUER: issuer, AUTH_JWKS_URL: `${issuer}/jwks` },
    stop: () => stopProcess(child),
  };
}

/** Waits for a child process to print the line with its address. */
export function announcedUrl(child: ChildProcess, pattern: RegExp, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`no address announced within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before announcing its address:\n${output}`));
    });
  });
}

export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** fetch with a cookie jar and redirects left to the caller: a browser's part in a sign-in, in plain HTTP. */
export class CookieBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.cookies.get(target.host) ?? new Map<string, string>();
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || pair.slice(at + 1) === '';
      if (expired) jar.delete(name);
      else jar.set(name, pair.slice(at + 1));
    }
    this.cookies.set(target.host, jar);
    return response;
  }

  /** Sends `from`'s cookies to `to` as well: a second instance of the same site behind one address. */
  copyCookies(from: string, to: string): void {
    this.cookies.set(new URL(to).host, new Map(this.cookies.get(new URL(from).host)));
  }

  /** Follows redirects while they stay on hosts other than `stopAt`'s; returns the first answer that is not one (or that leaves for it). */
  async follow(url: string, init: RequestInit = {}, stopAt?: string): Promise<Response> {
    let response = await this.fetch(url, init);
    let current = url;
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const next = new URL(response.headers.get('location')!, current).href;
      if (stopAt && next.startsWith(stopAt)) return response;
      current = next;
      response = await this.fetch(next);
    }
    return response;
  }

  cookie(host: string, name: string): string | undefined {
    return this.cookies.get(host)?.get(name);
  }
}

/** Fills the identity provider's sign-in form on the page `response` shows; returns the answer after the redirects back. */
export async function submitSignInForm(
  browser: CookieBrowser,
  page: Response,
  pageUrl: string,
  account: Pick<DevAccount, 'email' | 'password'>,
  stopAt?: string,
): Promise<Response> {
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no sign-in form on the page (${page.status}):\n${html.slice(0, 500)}`);
  return browser.follow(
    new URL(action.replace(/&#47;/g, '/'), pageUrl).href,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: account.email, password: account.password }).toString(),
    },
    stopAt,
  );
}

/** Access token of `account`, got as a confidential client would: authorization code with PKCE, the form filled in. */
export async function identityProviderToken(
  idp: Pick<IdentityProviderProcess, 'issuer'>,
  client: { clientId: string; clientSecret: string; redirectUri: string },
  account: Pick<DevAccount, 'email' | 'password'>,
): Promise<string> {
  const browser = new CookieBrowser();
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/auth', idp.issuer);
  authorize.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: client.redirectUri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
  }).toString();
  const form = await browser.follow(authorize.href);
  const back = await submitSignInForm(browser, form, authorize.href, account, client.redirectUri);
  const code = new URL(back.headers.get('location') ?? 'x:', idp.issuer).searchParams.get('code');
  if (!code) throw new Error(`the identity provider did not send a code back (${back.status})`);
  const response = await fetch(new URL('/token', idp.issuer), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
