import { Actor, mintDevToken } from '@throughline/service-kit';
import { apiClient, ApiClient as TypedApiClient } from '@throughline/api-client';
import { assertConforms, servedDocumentValidator } from './openapi-conformance';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiClient {
  get<T = any>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  delete<T = any>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

/**
 * A tiny HTTP client acting as one person: bearer token from the dev issuer, JSON in and out.
 * Every response passes the conformance gate: it must match the service's served OpenAPI document.
 */
export async function apiAs(baseUrl: string, actor: Actor | null): Promise<ApiClient> {
  return apiWithToken(baseUrl, actor ? await mintDevToken(actor) : null);
}

/** The same client with a bearer token got elsewhere (an identity provider's access token). */
export function apiWithToken(baseUrl: string, token: string | null): ApiClient {
  let document: ReturnType<typeof servedDocumentValidator> | undefined;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const contentType = response.headers.get('content-type');
    assertConforms(await (document ??= servedDocumentValidator(baseUrl)), {
      method,
      path,
      status: response.status,
      contentType,
      etag: response.headers.has('etag'),
      body: parsed,
    });
    return { status: response.status, headers: response.headers, body: parsed };
  };
  return {
    get: (path, headers) => call('GET', path, undefined, headers),
    post: (path, body, headers) => call('POST', path, body ?? {}, headers),
    patch: (path, body, headers) => call('PATCH', path, body ?? {}, headers),
    put: (path, body, headers) => call('PUT', path, body ?? {}, headers),
    delete: (path, headers) => call('DELETE', path, undefined, headers),
  };
}

/**
 * The generated, typed client (libs/api-client) acting as one person, as integrators use it;
 * every response it receives passes the same conformance gate as `apiAs`.
 */
export async function typedClientAs(baseUrl: string, actor: Actor): Promise<TypedApiClient> {
  const client = apiClient({ baseUrl, token: await mintDevToken(actor) });
  const document = servedDocumentValidator(baseUrl);
  client.interceptors.response.use(async (response, request) => {
    const text = await response.clone().text();
    const contentType = response.headers.get('content-type');
    const url = new URL(request.url);
    assertConforms(await document, {
      method: request.method,
      path: url.pathname + url.search,
      status: response.status,
      contentType,
      etag: response.headers.has('etag'),
      body: text && /json/.test(contentType ?? '') ? JSON.parse(text) : undefined,
    });
    return response;
  });
  return client;
}

/** Fails with the response body, so a wrong status says why. */
export function expectStatus<T = any>(response: ApiResponse<T>, status: number): T {
  if (response.status !== status)
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** The If-Match header that sends back a resource's version (its ETag). */
export const ifMatch = (version: number | string) => ({ 'if-match': `"${version}"` });
