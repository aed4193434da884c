import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'throughline_session';
export const SIGN_IN_COOKIE = 'throughline_sign_in';

/** The cookie's value from the request, without a parser dependency for two names. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/** httpOnly (no script reads it), SameSite=Lax (not sent on cross-site posts), Secure when the dashboard is served over https. */
export function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  options: { secure: boolean; path: string; maxAgeSeconds?: number },
): void {
  const expires = options.maxAgeSeconds ? new Date(Date.now() + options.maxAgeSeconds * 1000) : undefined;
  appendCookie(reply, name, value, { ...options, expires });
}

export function clearCookie(reply: FastifyReply, name: string, path: string): void {
  appendCookie(reply, name, '', { secure: false, path, expires: new Date(1) });
}

/** A Set-Cookie header with its attributes in the order they have always been sent; Fastify keeps each one it is given. */
function appendCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  cookie: { secure: boolean; path: string; maxAgeSeconds?: number; expires?: Date },
): void {
  const attributes = [`${name}=${encodeURIComponent(value)}`];
  if (cookie.maxAgeSeconds) attributes.push(`Max-Age=${cookie.maxAgeSeconds}`);
  attributes.push(`Path=${cookie.path}`);
  if (cookie.expires) attributes.push(`Expires=${cookie.expires.toUTCString()}`);
  attributes.push('HttpOnly');
  if (cookie.secure) attributes.push('Secure');
  attributes.push('SameSite=Lax');
  reply.header('set-cookie', attributes.join('; '));
}

/** Characters a Location header cannot carry (and a `%` that starts no escape); escapes already there are kept. */
const NOT_IN_URLS = /(?:[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]|%(?:[^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|$))+/g;

/**
 * Only a path on this origin: `//evil.example` or `/\evil` would leave it. Percent-encoded where
 * a redirect's Location needs it, as Express's redirect did.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return '/';
  return value.replace(NOT_IN_URLS, encodeURI);
}
