import { Client } from 'pg';
import {
  apiAs,
  CookieBrowser,
  DashboardStack,
  expectStatus,
  freePort,
  ifMatch,
  startBffProcess,
  startDashboardStack,
  stopProcess,
  submitSignInForm,
  testDatabaseUrl,
  waitFor,
} from '@throughline/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { demoPerson } from '../../../tools/demo/demo-organisation';

/**
 * The backend-for-frontend against the real stack: the development identity provider
 * (driven through its form with plain HTTP), the four services as processes, Kafka and PostgreSQL.
 */
describe('dashboard backend-for-frontend', () => {
  let stack: DashboardStack;

  beforeAll(async () => {
    stack = await startDashboardStack();
  }, 400_000);
  afterAll(async () => stack?.stop(), 60_000);

  /** Signs in as a demo person through the provider's form; returns the browser and the callback's answer. */
  async function signIn(key: string, returnTo = '/goals/42?tab=risks') {
    const browser = new CookieBrowser();
    const account = demoPerson(key);
    const login = await browser.fetch(`${stack.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    expect(login.status).toBe(302);
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.origin).toBe(stack.idp.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    const form = await browser.follow(authorize.href);
    const callback = await submitSignInForm(browser, form, authorize.href, account, `${stack.url}/goals`);
    return { browser, callback };
  }

  async function session(browser: CookieBrowser) {
    return expectStatus(await json(browser.fetch(`${stack.url}/auth/session`)), 200);
  }

  async function sessionRows(sql: string, params: unknown[]) {
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      return (await client.query(sql.replace(/session/g, `"${stack.schemaPrefix}dashboard".session`), params)).rows;
    } finally {
      await client.end();
    }
  }

  it('signs in through the identity provider and sends the person back where they were going', async () => {
    const { browser, callback } = await signIn('dana');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/goals/42?tab=risks');
    const cookie = callback.headers.getSetCookie().find((line) => line.startsWith('throughline_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // http on this machine; https deployments get Secure

    const me = await session(browser);
    expect(me).toEqual({
      person: {
        id: demoPerson('dana').id,
        name: demoPerson('dana').name,
        email: demoPerson('dana').email,
        role: 'director',
        orgUnitId: expect.any(String),
      },
      organisation: stack.organisation,
      csrfToken: expect.any(String),
    });
    // The cookie is a random id: no token, no person id in it.
    const value = browser.cookie(new URL(stack.url).host, 'throughline_session')!;
    expect(value).not.toContain('.');
    expect(value).not.toContain(demoPerson('dana').id);
  });

  it('proxies to every service with the session’s token, and refuses writes without the CSRF token', async () => {
    const { browser } = await signIn('dana');
    const { csrfToken } = await session(browser);
    const me = expectStatus(await json(browser.fetch(`${stack.url}/api/strategy/v1/people/me`)), 200);
    expect(me.person.id).toBe(demoPerson('dana').id);
    for (const path of ['/api/execution/v1/tasks', '/api/metrics/v1/alerts', '/api/integrations/docs/asyncapi.json'])
      expect((await browser.fetch(stack.url + path)).status).toBe(200);
    // The services keep deciding who may do what: webhooks are for integrators and admins.
    const webhooks = await json(browser.fetch(`${stack.url}/api/integrations/v1/webhooks`));
    expect(webhooks.status).toBe(403);
    expect(webhooks.type).toContain('application/problem+json');

    const goal = {
      title: 'Open two new sales channels',
      ownerId: demoPerson('dana').id,
      orgUnitId: me.person.orgUnitId,
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      budget: { currency: 'EUR', amountMinor: 5_000_000 },
    };
    const post = (headers: Record<string, string>) =>
      json(
        browser.fetch(`${stack.url}/api/strategy/v1/goals`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(goal),
        }),
      );
    for (const headers of [{}, { 'x-csrf-token': 'guessed' }] as Array<Record<string, string>>) {
      const refused = await post(headers);
      expect(refused.status).toBe(403);
      expect(refused.type).toContain('application/problem+json');
      expect(refused.body.detail).toContain('x-csrf-token');
    }
    const created = await post({ 'x-csrf-token': csrfToken });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: goal.title, status: 'draft' });
    // A field the service refuses comes back as its problem+json, naming the field.
    const invalid = await json(
      browser.fetch(`${stack.url}/api/strategy/v1/goals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ ...goal, periodEnd: 'soon' }),
      }),
    );
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).toContain('periodEnd');
  });

  it('answers the probes of an orchestrator without a session: live, and ready while its database answers', async () => {
    expect((await json(fetch(`${stack.url}/health/live`))).status).toBe(200);
    const ready = await json(fetch(`${stack.url}/health/ready`));
    expect(ready).toMatchObject({ status: 200, body: { status: 'ok', database: 'up' } });
  });

  it('answers 401 problem+json without a session, and once the session has expired', async () => {
    const anonymous = await json(fetch(`${stack.url}/api/strategy/v1/goals`));
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toContain('application/problem+json');
    expect((await json(fetch(`${stack.url}/auth/session`))).status).toBe(401);

    const { browser } = await signIn('mia');
    const { person } = await session(browser);
    await sessionRows(`UPDATE session SET expires_at = now() - interval '1 second' WHERE person->>'id' = $1`, [
      person.id,
    ]);
    const expired = await json(browser.fetch(`${stack.url}/api/execution/v1/tasks`));
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toContain('sign in again');
  });

  it('refreshes an access token that is about to expire, at the identity provider', async () => {
    const { browser } = await signIn('omar');
    const { person } = await session(browser);
    const [before] = await sessionRows(`SELECT access_token FROM session WHERE person->>'id' = $1`, [person.id]);
    await sessionRows(`UPDATE session SET access_expires_at = now() WHERE person->>'id' = $1`, [person.id]);
    expect((await browser.fetch(`${stack.url}/api/execution/v1/tasks`)).status).toBe(200);
    const [after] = await sessionRows(`SELECT access_token, access_expires_at FROM session WHERE person->>'id' = $1`, [
      person.id,
    ]);
    expect(after.access_token).not.toBe(before.access_token);
    expect(new Date(after.access_expires_at).getTime()).toBeGreaterThan(Date.now() + 60_000);
  });

  it('signs out: the session ends (with the CSRF token), the provider’s end-session address is offered', async () => {
    const { browser } = await signIn('lena');
    const { csrfToken } = await session(browser);
    expect((await browser.fetch(`${stack.url}/auth/logout`, { method: 'POST' })).status).toBe(403);
    const out = await browser.fetch(`${stack.url}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('x-end-session-url')).toContain(`${stack.idp.issuer}/session/end`);
    expect((await browser.fetch(`${stack.url}/auth/session`)).status).toBe(401);
  });

  it('streams changes live, filtered: a manager never receives another manager’s task events', async () => {
    const dana = demoPerson('dana');
    const director = await apiAs(stack.serviceUrls.strategy, {
      personId: dana.id,
      orgId: stack.organisation.id,
      role: 'director',
    });
    const goal = expectStatus(
      await director.post('/v1/goals', {
        title: 'Pilot the live dashboard',
        ownerId: dana.id,
        orgUnitId: (await session((await signIn('dana')).browser)).person.orgUnitId,
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        budget: { currency: 'EUR', amountMinor: 1_000_000 },
      }),
      201,
    );
    for (const key of ['mia', 'max'])
      expectStatus(
        await director.post(`/v1/goals/${goal.id}/deliverables`, {
          title: `Live work of ${key}`,
          managerId: demoPerson(key).id,
          dueDate: '2026-06-30',
          weight: 1,
          budgetMinor: 100_000,
        }),
        201,
      );
    const current = expectStatus(await director.get(`/v1/goals/${goal.id}`), 200);
    expectStatus(await director.post(`/v1/goals/${goal.id}/activate`, undefined, ifMatch(current.version)), 200);

    const streams = Object.fromEntries(
      await Promise.all(
        ['mia', 'max', 'dana'].map(
          async (key) => [key, await openLiveStream((await signIn(key)).browser, stack.url)] as const,
        ),
      ),
    );
    const taskOf = async (key: string) => {
      const manager = await apiAs(stack.serviceUrls.execution, {
        personId: demoPerson(key).id,
        orgId: stack.organisation.id,
        role: 'manager',
      });
      const task = await waitFor(async () => (await manager.get(`/v1/tasks?goalId=${goal.id}`)).body.items?.[0], {
        what: `${key}'s task from the activated goal`,
      });
      return { manager, task };
    };
    const mia = await taskOf('mia');
    const max = await taskOf('max');
    expectStatus(
      await mia.manager.post(`/v1/tasks/${mia.task.id}/status`, { to: 'in_progress' }, ifMatch(mia.task.version)),
      200,
    );
    expectStatus(
      await max.manager.post(`/v1/tasks/${max.task.id}/status`, { to: 'in_progress' }, ifMatch(max.task.version)),
      200,
    );

    const moved = (stream: LiveStream, taskId: string) =>
      waitFor(
        () => stream.events.find((event) => event.type === 'task.status-changed' && event.data.taskId === taskId),
        {
          what: `task.status-changed of ${taskId}`,
        },
      );
    const toMia = await moved(streams.mia, mia.task.id);
    expect(toMia.data).toEqual({
      type: 'task.status-changed',
      orgId: stack.organisation.id,
      taskId: mia.task.id,
      goalId: goal.id,
      managerId: demoPerson('mia').id,
    });
    await moved(streams.max, max.task.id);
    await moved(streams.dana, mia.task.id);
    await moved(streams.dana, max.task.id);
    // Max's own event arrived after Mia's was published (same goal, same partition, in order): Mia's never came.
    const all = (stream: LiveStream) => stream.events.map((event) => event.data);
    expect(all(streams.max).filter((event) => event.managerId === demoPerson('mia').id)).toEqual([]);
    expect(all(streams.mia).filter((event) => event.managerId === demoPerson('max').id)).toEqual([]);
    expect(all(streams.mia).every((event) => event.orgId === stack.organisation.id)).toBe(true);
    for (const stream of Object.values(streams)) stream.close();
  });

  it('shows a clear page when the identity provider is down at sign-in', async () => {
    const bff = await startBffProcess({
      ...stack.bffEnv,
      PORT: '0',
      OIDC_ISSUER: `http://127.0.0.1:${await freePort()}`,
    });
    try {
      const response = await fetch(`${bff.url}/auth/login`, { redirect: 'manual' });
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('Sign-in is unavailable');
    } finally {
      await stopProcess(bff.child);
    }
  });

  it('ends its live streams when it stops, so pages reconnect elsewhere, and exits by itself', async () => {
    const { browser } = await signIn('dana');
    const bff = await startBffProcess({ ...stack.bffEnv, PORT: '0' });
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    bff.child.once('exit', (code, signal) => (exit = { code, signal }));
    try {
      browser.copyCookies(stack.url, bff.url);
      const stream = await openLiveStream(browser, bff.url);
      bff.child.kill('SIGTERM');
      await waitFor(() => stream.ended, { what: 'the live stream to end', timeoutMs: 20_000 });
      const exited = await waitFor(() => exit, { what: 'the backend-for-frontend to exit', timeoutMs: 20_000 });
      expect(exited.signal === 'SIGTERM' || exited.code === 0).toBe(true);
    } finally {
      await stopProcess(bff.child);
    }
  });

  it('answers 502 problem+json while a service is down', async () => {
    const { browser } = await signIn('ravi');
    await stack.services.metrics.stop();
    const response = await json(browser.fetch(`${stack.url}/api/metrics/v1/alerts`));
    expect(response.status).toBe(502);
    expect(response.type).toContain('application/problem+json');
    expect(response.body.detail).toBe('The metrics service cannot be reached; try again in a moment.');
  });

  // Last: it stops the identity provider.
  it('ends the session when the provider refuses a refresh, and keeps it while the provider cannot be reached', async () => {
    const refused = (await signIn('chris')).browser;
    const { person: chris } = await session(refused);
    await sessionRows(
      `UPDATE session SET access_expires_at = now(), refresh_token = 'no-such-grant' WHERE person->>'id' = $1`,
      [chris.id],
    );
    const ended = await json(refused.fetch(`${stack.url}/api/execution/v1/tasks`));
    expect(ended.status).toBe(401);
    expect(ended.body.detail).toContain('sign in again');
    expect((await json(refused.fetch(`${stack.url}/auth/session`))).status).toBe(401);

    const { browser } = await signIn('max');
    const { person: max } = await session(browser);
    await sessionRows(`UPDATE session SET access_expires_at = now() WHERE person->>'id' = $1`, [max.id]);
    await stack.idp.stop();
    const away = await json(browser.fetch(`${stack.url}/api/execution/v1/tasks`));
    expect(away.status).toBe(503);
    expect(away.type).toContain('application/problem+json');
    expect(away.body.detail).toMatch(
      /^The sign-in service cannot renew your access right now \(.+\); try again in a moment\.$/,
    );
    expect((await session(browser)).person.id).toBe(max.id);
  });
});

interface LiveStream {
  events: Array<{ type: string; data: Record<string, string> }>;
  /** True once the server ended the stream. */
  ended: boolean;
  close(): void;
}

/** Reads the server-sent events of /api/live as a browser's EventSource would. */
async function openLiveStream(browser: CookieBrowser, origin: string): Promise<LiveStream> {
  const controller = new AbortController();
  const response = await browser.fetch(`${origin}/api/live`, { signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const stream: LiveStream = { events: [], ended: false, close: () => controller.abort() };
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          stream.ended = true;
          return;
        }
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (type && data) stream.events.push({ type, data: JSON.parse(data) });
        }
      }
    } catch {
      // closed
    }
  })();
  return stream;
}

async function json(response: Promise<Response>) {
  const answer = await response;
  const text = await answer.text();
  return {
    status: answer.status,
    headers: answer.headers,
    type: answer.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : undefined,
  };
}
