import { apiClient } from '@throughline/api-client';
import { ApiError, toProblem } from './problem';
import { csrfToken, sendToSignIn } from './session-state';

/**
 * The generated API client, pointed at the backend-for-frontend on this origin: the browser never
 * holds a bearer token; the session cookie rides along, writes carry the session's CSRF token, and a
 * 401 (no session, or an expired one) sends the person to sign in.
 */
const sessionFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, { ...init, credentials: 'same-origin' });
  if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('x-csrf-token', csrfToken());
  const response = await fetch(request);
  if (response.status === 401) sendToSignIn();
  return response;
};

const clientFor = (service: 'strategy' | 'execution' | 'metrics') =>
  apiClient({ baseUrl: `${window.location.origin}/api/${service}`, fetch: sessionFetch });

export const strategyApi = clientFor('strategy');
export const executionApi = clientFor('execution');
export const metricsApi = clientFor('metrics');

interface CallResult<T> {
  data?: T;
  error?: unknown;
  response?: Response;
}

/** A call's data, or an ApiError with the problem the service described (also when the network failed). */
export async function unwrap<T>(call: Promise<CallResult<T>>): Promise<T> {
  let result: CallResult<T>;
  try {
    result = await call;
  } catch (error) {
    throw new ApiError(toProblem(0, error instanceof Error ? error.message : undefined));
  }
  if (result.error !== undefined || !result.response?.ok)
    throw new ApiError(toProblem(result.response?.status ?? 0, result.error));
  return result.data as T;
}

/** The If-Match header an update needs: the version last read, as the ETag the services issue. */
export function ifMatch(version: number): { 'If-Match': string } {
  return { 'If-Match': `"${version}"` };
}
