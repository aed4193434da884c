import type { FastifyReply } from 'fastify';
import { clearCookie, safeReturnTo, setCookie } from './session-cookie';

describe('returnTo after sign-in', () => {
  it.each([
    ['/goals/42?tab=risks', '/goals/42?tab=risks'],
    ['/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['goals', '/'],
    [undefined, '/'],
    [['/a', '/b'], '/'],
    // What a Location header cannot carry is encoded; escapes already there are kept.
    ['/goals?q=two words&city=Zürich', '/goals?q=two%20words&city=Z%C3%BCrich'],
    ['/goals?q=a%20b&rate=5%', '/goals?q=a%20b&rate=5%25'],
  ])('%j → %s', (given, expected) => {
    expect(safeReturnTo(given)).toBe(expected);
  });
});

describe('session cookies', () => {
  function sent(write: (reply: FastifyReply) => void): string[] {
    const headers: string[] = [];
    write({ header: (name: string, value: string) => headers.push(`${name}: ${value}`) } as unknown as FastifyReply);
    return headers;
  }

  it('sets httpOnly, SameSite=Lax cookies, Secure over https, with an expiry when they have one', () => {
    expect(sent((reply) => setCookie(reply, 'throughline_session', 'a b', { secure: false, path: '/' }))).toEqual([
      'set-cookie: throughline_session=a%20b; Path=/; HttpOnly; SameSite=Lax',
    ]);
    const [attempt] = sent((reply) =>
      setCookie(reply, 'throughline_sign_in', 'x', { secure: true, path: '/auth', maxAgeSeconds: 600 }),
    );
    expect(attempt).toMatch(
      /^set-cookie: throughline_sign_in=x; Max-Age=600; Path=\/auth; Expires=\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT; HttpOnly; Secure; SameSite=Lax$/,
    );
  });

  it('clears a cookie with an expiry in the past', () => {
    expect(sent((reply) => clearCookie(reply, 'throughline_session', '/'))).toEqual([
      'set-cookie: throughline_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax',
    ]);
  });
});
