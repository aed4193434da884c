import { Request, Response } from 'express';

export const SESSION_COOKIE = 'throughline_session';
export const SIGN_IN_COOKIE = 'throughline_sign_in';

/** The cookie's value from the request, without a parser dependency for two names. */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/** httpOnly (no script reads it), SameSite=Lax (not sent on cross-site posts), Secure when the dashboard is served over https. */
export function setCookie(
  response: Response,
  name: string,
  value: string,
  options: { secure: boolean; path: string; maxAgeSeconds?: number },
): void {
  response.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    path: options.path,
    ...(options.maxAgeSeconds ? { maxAge: options.maxAgeSeconds * 1000 } : {}),
  });
}

export function clearCookie(response: Response, name: string, path: string): void {
  response.clearCookie(name, { httpOnly: true, sameSite: 'lax', path });
}

/** Only a path on this origin: `//evil.example` or `/\evil` would leave it. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return '/';
  return value;
}
