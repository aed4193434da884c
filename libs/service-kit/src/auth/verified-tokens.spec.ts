import { randomUUID } from 'node:crypto';
import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor } from './actor';
import { DEFAULT_AUDIENCE, DEV_ISSUER, DEV_SECRET_DEFAULT } from './auth-config';
import { AuthGuard } from './auth.guard';
import { mintDevToken } from './dev-token';
import { VerifiedTokens } from './verified-tokens';

const actor: Actor = { personId: randomUUID(), orgId: randomUUID(), role: 'manager' };

describe('VerifiedTokens', () => {
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  let now = start;
  const clock = () => now;
  beforeEach(() => {
    now = start;
  });

  it('returns a remembered actor until the instant of the token’s exp, and never at or after it', () => {
    const tokens = new VerifiedTokens({ maxEntries: 10, maxAgeMs: 60_000 }, clock);
    const exp = start / 1000 + 30;
    tokens.remember('token', actor, exp);
    now = exp * 1000 - 1;
    expect(tokens.get('token')).toEqual(actor);
    now = exp * 1000;
    expect(tokens.get('token')).toBeUndefined();
    now = start;
    expect(tokens.get('token')).toBeUndefined();
  });

  it('reuses a verification no longer than maxAgeMs, whatever the exp, and keeps no token already expired', () => {
    const tokens = new VerifiedTokens({ maxEntries: 10, maxAgeMs: 60_000 }, clock);
    tokens.remember('long-lived', actor, start / 1000 + 86_400);
    tokens.remember('no-exp', actor, undefined);
    tokens.remember('expired', actor, start / 1000);
    expect(tokens.get('expired')).toBeUndefined();
    now = start + 59_999;
    expect([tokens.get('long-lived'), tokens.get('no-exp')]).toEqual([actor, actor]);
    now = start + 60_000;
    expect([tokens.get('long-lived'), tokens.get('no-exp')]).toEqual([undefined, undefined]);
  });

  it('holds at most maxEntries, letting the oldest go, and hands out copies', () => {
    const tokens = new VerifiedTokens({ maxEntries: 2, maxAgeMs: 60_000 }, clock);
    for (const token of ['a', 'b', 'c']) tokens.remember(token, actor, undefined);
    expect(tokens.get('a')).toBeUndefined();
    const b = tokens.get('b')!;
    b.role = 'admin';
    expect([tokens.get('b'), tokens.get('c')]).toEqual([actor, actor]);
  });
});

describe('AuthGuard with remembered tokens', () => {
  const guard = new AuthGuard(
    new Reflector(),
    {
      issuers: [
        {
          issuer: DEV_ISSUER,
          audience: DEFAULT_AUDIENCE,
          key: new TextEncoder().encode(DEV_SECRET_DEFAULT),
          algorithms: ['HS256'],
          names: 'actor',
        },
      ],
      devMode: true,
      emailClaim: 'email',
      emailVerifiedClaim: 'email_verified',
    },
    {
      resolve: () => {
        throw new Error('dev tokens name their actor; nothing is resolved');
      },
    },
  );
  const request = (authorization: string) => {
    const http: { headers: { authorization: string }; actor?: Actor } = { headers: { authorization } };
    const context = {
      getHandler: () => request,
      getClass: () => AuthGuard,
      switchToHttp: () => ({ getRequest: () => http }),
    } as unknown as ExecutionContext;
    return { http, context };
  };
  afterEach(() => jest.useRealTimers());

  it('refuses a token it verified before once the token has expired', async () => {
    // Only Date is faked: jose reads the time from it, and promises must still run.
    jest.useFakeTimers({
      now: Date.now(),
      doNotFake: [
        'nextTick',
        'queueMicrotask',
        'setImmediate',
        'setTimeout',
        'setInterval',
        'clearTimeout',
        'clearInterval',
        'clearImmediate',
        'hrtime',
        'performance',
      ],
    });
    const token = await mintDevToken(actor, { expiresIn: '10s' });
    const first = request(`Bearer ${token}`);
    await expect(guard.canActivate(first.context)).resolves.toBe(true);
    expect(first.http.actor).toEqual(actor);
    jest.advanceTimersByTime(5_000);
    const again = request(`Bearer ${token}`);
    await expect(guard.canActivate(again.context)).resolves.toBe(true);
    jest.advanceTimersByTime(5_000);
    await expect(guard.canActivate(request(`Bearer ${token}`).context)).rejects.toThrow(
      new UnauthorizedException('The token has expired; get a new one.'),
    );
  });

  it('still refuses a tampered copy of a remembered token', async () => {
    const token = await mintDevToken(actor);
    await expect(guard.canActivate(request(`Bearer ${token}`).context)).resolves.toBe(true);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    await expect(guard.canActivate(request(`Bearer ${forged}`).context)).rejects.toThrow(UnauthorizedException);
  });
});
