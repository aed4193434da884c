/** The OAuth token endpoint refused the client (wrong id or secret, unknown scope): retrying will not cure it. */
export class OAuthClientRefused extends Error {
  override readonly name = 'OAuthClientRefused';
  /** kafkajs gives up at once on errors that say they are not retriable. */
  readonly retriable = false;
}

export interface OAuthClient {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** SASL extensions sent with every token (Confluent Cloud wants its logical cluster and identity pool). */
  extensions?: Record<string, string>;
}

/** Renewed this long before a token expires, so no connection authenticates with one about to lapse. */
const RENEW_BEFORE_MS = 60_000;

/**
 * kafkajs's `oauthBearerProvider` for SASL/OAUTHBEARER: tokens from the OAuth 2.0
 * client-credentials grant (RFC 6749 §4.4, client authenticated with HTTP Basic, as Confluent
 * Cloud, Aiven and Keycloak accept), one request shared by the connections that ask at once, and
 * the token reused until a minute before it expires (kafkajs asks on every connection).
 */
export function clientCredentialsTokens(
  client: OAuthClient,
  now: () => number = Date.now,
): () => Promise<{ value: string; extensions?: Record<string, string> }> {
  let cached: { value: string; renewAt: number } | undefined;
  let pending: Promise<{ value: string; renewAt: number }> | undefined;
  const fetchToken = async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      ...(client.scope ? { scope: client.scope } : {}),
    });
    const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`);
    const response = await fetch(client.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic.toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
    };
    if (response.status === 400 || response.status === 401 || response.status === 403)
      throw new OAuthClientRefused(
        `the OAuth token endpoint refused client "${client.clientId}" (${response.status}${answer.error ? ` ${answer.error}` : ''})`,
      );
    if (!response.ok || !answer.access_token)
      throw new Error(`the OAuth token endpoint ${client.tokenUrl} answered ${response.status} without a token`);
    const lifetimeMs = (answer.expires_in ?? 300) * 1000;
    return { value: answer.access_token, renewAt: now() + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2) };
  };
  return async () => {
    if (!cached || now() >= cached.renewAt) {
      pending ??= fetchToken().finally(() => (pending = undefined));
      cached = await pending;
    }
    return { value: cached.value, ...(client.extensions ? { extensions: client.extensions } : {}) };
  };
}
