import { randomUUID } from 'node:crypto';
import { GoalActivatedV1, parseEvent, Topics } from '@throughline/contracts';
import { Actor } from '@throughline/service-kit';
import { apiAs, ApiClient, EventCollector, startTestService, TestService, uniqueTag } from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { strategyDatabase } from '../src/database/strategy-database';

describe('strategy: a director activates a goal (real PostgreSQL and Kafka)', () => {
  const tag = uniqueTag();
  const orgId = randomUUID();
  const director: Actor = { personId: randomUUID(), orgId, role: 'director' };
  const managerId = randomUUID();
  let service: TestService;
  let api: ApiClient;
  let collector: EventCollector;

  beforeAll(async () => {
    service = await startTestService(AppModule, { tag, database: strategyDatabase });
    api = await apiAs(service.url, director);
    collector = await EventCollector.start([`t${tag}.${Topics.Goals}`]);
  });
  afterAll(async () => {
    await collector?.stop();
    await service?.stop();
  });

  const newGoal = () => ({
    title: 'Launch the new product line',
    ownerId: director.personId,
    orgUnitId: randomUUID(),
    periodStart: '2026-01-01',
    periodEnd: '2026-06-30',
    budget: { currency: 'EUR', amountMinor: 10_000_000 },
  });

  it('publishes exactly one goal.activated event, keyed by the goal, carrying its deliverables', async () => {
    const created = await api.post('/v1/goals', newGoal());
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const goalId = created.body.id;
    const withDeliverable = await api.post(`/v1/goals/${goalId}/deliverables`, { title: 'Pilot run', managerId, dueDate: '2026-03-31', weight: 2, budgetMinor: 4_000_000 });
    expect(withDeliverable.status).toBe(201);

    const activated = await api.post(`/v1/goals/${goalId}/activate`, {}, { 'if-match': '"1"' });
    expect(activated.status).toBe(200);
    expect(activated.body.status).toBe('active');

    const [message] = await collector.waitForType(GoalActivatedV1.type, 1, (entry) => entry.event.subject === goalId);
    expect(message.key).toBe(goalId);
    const event = parseEvent(message.raw);
    expect(event.orgid).toBe(orgId);
    expect(event.data).toMatchObject({ goalId, budgetMinor: 10_000_000, deliverables: [{ managerId, dueDate: '2026-03-31', weight: 2, budgetMinor: 4_000_000 }] });
    expect(collector.ofType(GoalActivatedV1.type).filter((entry) => entry.event.subject === goalId)).toHaveLength(1);
  });

  it('refuses a second activation with 409 and a stale version with 412, as problem+json', async () => {
    const goalId = (await api.post('/v1/goals', newGoal())).body.id;
    const stale = await api.post(`/v1/goals/${goalId}/activate`, {}, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.post(`/v1/goals/${goalId}/activate`, {}, { 'if-match': '"1"' })).status).toBe(200);
    const again = await api.post(`/v1/goals/${goalId}/activate`, {}, { 'if-match': '"2"' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/active goal cannot become active/);
  });

  it('refuses unknown fields and bad values with 400 naming the field, and writes nothing', async () => {
    const before = await api.get('/v1/goals?limit=200');
    const response = await api.post('/v1/goals', { ...newGoal(), budget: { currency: 'euro', amountMinor: 1.5 }, colour: 'red' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const fields = response.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['colour', 'budget.currency', 'budget.amountMinor']));
    expect((await api.get('/v1/goals?limit=200')).body.page.total).toBe(before.body.page.total);
  });

  it('answers 401 without a token and 403 for a manager creating a goal', async () => {
    expect((await (await apiAs(service.url, null)).post('/v1/goals', newGoal())).status).toBe(401);
    const manager = await apiAs(service.url, { personId: managerId, orgId, role: 'manager' });
    expect((await manager.post('/v1/goals', newGoal())).status).toBe(403);
  });
});
