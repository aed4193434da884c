import { randomUUID } from 'node:crypto';
import { OrganisationCreatedV1, Topics } from '@throughline/contracts';
import { Actor, mintDevToken } from '@throughline/service-kit';
import { apiAs, EventCollector, startTestService, TestService, uniqueTag } from '@throughline/testing';
import { AppModule } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';

/** What every service gets from the service kit, seen through one of them. */
describe('service baseline: audit trail, security headers, rate limit', () => {
  const tag = uniqueTag();
  const orgId = randomUUID();
  const admin: Actor = { personId: randomUUID(), orgId, role: 'admin' };
  let service: TestService;
  let collector: EventCollector;

  beforeAll(async () => {
    service = await startTestService(AppModule, {
      tag,
      database: strategyDatabase,
      env: { RATE_LIMIT_PER_MINUTE: '25', HTTP_BODY_LIMIT: '1kb' },
    });
    collector = await EventCollector.start([`t${tag}.${Topics.Organisation}`]);
  });
  afterAll(async () => {
    await collector?.stop();
    await service?.stop();
  });

  it('records who changed what in the audit trail, and names the actor in the event', async () => {
    const api = await apiAs(service.url, admin);
    const created = await api.post(
      '/v1/organisations',
      { name: 'Acme Devices' },
      { 'x-correlation-id': 'walkthrough-1' },
    );
    expect(created.status).toBe(201);
    const [event] = await collector.waitForType(OrganisationCreatedV1.type);
    expect(event.event).toMatchObject({ actorid: admin.personId, correlationid: 'walkthrough-1', orgid: orgId });

    const audit = await api.get(`/v1/audit?eventType=${OrganisationCreatedV1.type}`);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actorId: admin.personId,
        eventType: OrganisationCreatedV1.type,
        eventId: event.event.id,
        correlationId: 'walkthrough-1',
      }),
    ]);

    const otherOrg = await apiAs(service.url, { ...admin, orgId: randomUUID() });
    expect((await otherOrg.get('/v1/audit')).body.page.total).toBe(0);
    const manager = await apiAs(service.url, { personId: randomUUID(), orgId, role: 'manager' });
    expect((await manager.get('/v1/audit')).status).toBe(403);
  });

  it('sends security headers and never an x-powered-by', async () => {
    const response = await fetch(`${service.url}/health/live`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('reads JSON bodies within HTTP_BODY_LIMIT and refuses the rest with a problem that says why', async () => {
    const authorization = `Bearer ${await mintDevToken({ ...admin, orgId: randomUUID() })}`;
    const post = (body: string, contentType = 'application/json') =>
      fetch(`${service.url}/v1/organisations`, {
        method: 'POST',
        headers: { 'content-type': contentType, authorization },
        body,
      });
    const refusals: Array<[string, Response, number, string]> = [
      ['over the limit', await post(JSON.stringify({ name: 'x'.repeat(2000) })), 413, 'larger than the limit of 1kb'],
      ['malformed', await post('{"name": '), 400, 'The request body was refused'],
      ['not an object', await post('"Acme"'), 400, 'must be an object or an array'],
      ['a form', await post('name=Acme', 'application/x-www-form-urlencoded'), 415, 'send application/json'],
    ];
    for (const [name, response, status, says] of refusals) {
      expect({ name, status: response.status, type: response.headers.get('content-type') }).toEqual({
        name,
        status,
        type: expect.stringContaining('application/problem+json'),
      });
      expect(((await response.json()) as { detail: string }).detail).toContain(says);
    }
    const withinLimit = await post(JSON.stringify({ name: 'Acme Robotics' }), 'application/json; charset=utf-8');
    expect(withinLimit.status).toBe(201);
  });

  it('answers 401 with problem+json for a missing, malformed or expired token', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt', 'Basic abc']) {
      const response = await fetch(`${service.url}/v1/audit`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('limits each caller, with a 429 problem+json, without limiting the others', async () => {
    const busy = await apiAs(service.url, { personId: randomUUID(), orgId, role: 'director' });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await busy.get('/v1/goals')).status);
    // RATE_LIMIT_PER_MINUTE is 25: the 26th request and those after it within the minute are refused.
    expect(statuses).toEqual([...Array(25).fill(200), ...Array(5).fill(429)]);
    const limited = await busy.get('/v1/goals');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const calm = await apiAs(service.url, { personId: randomUUID(), orgId, role: 'director' });
    expect((await calm.get('/v1/goals')).status).toBe(200);
  });
});
