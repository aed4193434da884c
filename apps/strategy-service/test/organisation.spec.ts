import { randomUUID } from 'node:crypto';
import {
  OrganisationCreatedV1,
  OrgUnitCreatedV1,
  OrgUnitUpdatedV1,
  PersonCreatedV1,
  PersonUpdatedV1,
} from '@throughline/contracts';
import { apiAs, expectStatus, ifMatch, setUpOrganisation, TestOrganisation } from '@throughline/testing';
import { expectOneEvent, startStrategy } from './strategy-fixture';

describe('strategy: the admin sets up the organisation (real PostgreSQL and Kafka)', () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;
  let org: TestOrganisation;

  beforeAll(async () => {
    strategy = await startStrategy();
    org = await setUpOrganisation(strategy.service.url);
  });
  afterAll(async () => strategy?.stop());

  describe('organisations', () => {
    it("bootstraps a tenant from the admin token's org claim, once, publishing organisation.created keyed by it", async () => {
      const orgId = randomUUID();
      const admin = await apiAs(strategy.service.url, { personId: randomUUID(), orgId, role: 'admin' });
      const created = await admin.post('/v1/organisations', { name: 'Globex' });
      expect(expectStatus(created, 201)).toMatchObject({ id: orgId, name: 'Globex', version: 1 });
      expect(created.headers.get('etag')).toBe('"1"');
      expect(expectStatus(await admin.get(`/v1/organisations/${orgId}`), 200)).toMatchObject({
        id: orgId,
        name: 'Globex',
      });
      const event = await expectOneEvent(strategy.collector, OrganisationCreatedV1, { subject: orgId, key: orgId });
      expect(event).toMatchObject({ orgid: orgId, data: { organisationId: orgId, name: 'Globex' } });

      const again = await admin.post('/v1/organisations', { name: 'Globex again' });
      expect(again.status).toBe(409);
      expect(again.body.detail).toMatch(/already exists/);
    });

    it('lets only admins create one, and answers 404 for any organisation but your own', async () => {
      expect((await org.director.api.post('/v1/organisations', { name: 'Mine' })).status).toBe(403);
      expect((await org.director.api.get(`/v1/organisations/${org.orgId}`)).status).toBe(200);
      expect((await org.director.api.get(`/v1/organisations/${randomUUID()}`)).status).toBe(404);
    });

    it('refuses org units and people before the organisation exists', async () => {
      const admin = await apiAs(strategy.service.url, { personId: randomUUID(), orgId: randomUUID(), role: 'admin' });
      const unit = await admin.post('/v1/org-units', { name: 'Nowhere' });
      expect(unit.status).toBe(404);
      expect(unit.body.detail).toMatch(/POST \/v1\/organisations/);
      expect(
        (await admin.post('/v1/people', { name: 'Nobody', email: 'nobody@example.com', role: 'director' })).status,
      ).toBe(404);
    });
  });

  describe('org units', () => {
    it('builds a tree, publishing org-unit.created and org-unit.updated keyed by the organisation', async () => {
      const division = expectStatus(await org.admin.post('/v1/org-units', { name: 'Operations' }), 201);
      const plant = expectStatus(
        await org.admin.post('/v1/org-units', { name: 'Plant Nord', parentOrgUnitId: division.id }),
        201,
      );
      expect(plant).toMatchObject({ parentOrgUnitId: division.id, version: 1 });
      const created = await expectOneEvent(strategy.collector, OrgUnitCreatedV1, { subject: plant.id, key: org.orgId });
      expect(created.data).toEqual({
        orgUnitId: plant.id,
        name: 'Plant Nord',
        parentOrgUnitId: division.id,
        version: 1,
      });

      const renamed = await org.admin.patch(
        `/v1/org-units/${plant.id}`,
        { name: 'Plant North', parentOrgUnitId: null },
        ifMatch(1),
      );
      expect(expectStatus(renamed, 200)).toMatchObject({ name: 'Plant North', parentOrgUnitId: null, version: 2 });
      expect(renamed.headers.get('etag')).toBe('"2"');
      const updated = await expectOneEvent(strategy.collector, OrgUnitUpdatedV1, {
        subject: plant.id,
        key: org.orgId,
        where: (data) => data.version === 2,
      });
      expect(updated.data).toMatchObject({ name: 'Plant North', parentOrgUnitId: null });

      const children = expectStatus(
        await org.director.api.get(`/v1/org-units?parentOrgUnitId=${org.companyUnitId}`),
        200,
      );
      expect(children.items.map((unit: { id: string }) => unit.id)).toEqual([org.departmentUnitId]);
    });

    it('refuses a cycle, an unknown parent, a missing or stale If-Match, and changes nothing', async () => {
      const top = expectStatus(await org.admin.post('/v1/org-units', { name: 'Top' }), 201);
      const middle = expectStatus(
        await org.admin.post('/v1/org-units', { name: 'Middle', parentOrgUnitId: top.id }),
        201,
      );
      const bottom = expectStatus(
        await org.admin.post('/v1/org-units', { name: 'Bottom', parentOrgUnitId: middle.id }),
        201,
      );

      const cycle = await org.admin.patch(`/v1/org-units/${top.id}`, { parentOrgUnitId: bottom.id }, ifMatch(1));
      expect(cycle.status).toBe(422);
      expect(cycle.body.errors).toEqual([{ field: 'parentOrgUnitId', message: expect.stringMatching(/cycle/) }]);
      expect((await org.admin.patch(`/v1/org-units/${top.id}`, { parentOrgUnitId: top.id }, ifMatch(1))).status).toBe(
        422,
      );
      const unknown = await org.admin.post('/v1/org-units', { name: 'Orphan', parentOrgUnitId: randomUUID() });
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0].field).toBe('parentOrgUnitId');

      expect((await org.admin.patch(`/v1/org-units/${top.id}`, { name: 'Summit' })).status).toBe(428);
      expect((await org.admin.patch(`/v1/org-units/${top.id}`, { name: 'Summit' }, ifMatch(9))).status).toBe(412);
      expect(expectStatus(await org.admin.get(`/v1/org-units/${top.id}`), 200)).toMatchObject({
        name: 'Top',
        parentOrgUnitId: null,
        version: 1,
      });
      expect(
        strategy.collector.ofType(OrgUnitUpdatedV1.type).filter((entry) => entry.event.subject === top.id),
      ).toHaveLength(0);
    });

    it('lets only admins change units, and hides other organisations', async () => {
      expect((await org.director.api.post('/v1/org-units', { name: 'Shadow IT' })).status).toBe(403);
      expect(
        (await org.managers[0].api.patch(`/v1/org-units/${org.departmentUnitId}`, { name: 'Mine' }, ifMatch(1))).status,
      ).toBe(403);
      const other = await setUpOrganisation(strategy.service.url, 'Initech');
      expect((await other.admin.get(`/v1/org-units/${org.departmentUnitId}`)).status).toBe(404);
      expect(
        (await other.admin.patch(`/v1/org-units/${org.departmentUnitId}`, { name: 'Taken over' }, ifMatch(1))).status,
      ).toBe(404);
    });
  });

  describe('people', () => {
    it('adds people with role, unit and reporting line, publishing person.created and person.updated', async () => {
      const id = randomUUID();
      const created = expectStatus(
        await org.admin.post('/v1/people', {
          id,
          name: 'Dana Director',
          email: 'dana@example.com',
          role: 'director',
          orgUnitId: org.companyUnitId,
        }),
        201,
      );
      expect(created).toEqual({
        id,
        name: 'Dana Director',
        email: 'dana@example.com',
        role: 'director',
        orgUnitId: org.companyUnitId,
        reportsToId: null,
        active: true,
        version: 1,
      });
      await expectOneEvent(strategy.collector, PersonCreatedV1, { subject: id, key: org.orgId });

      const moved = await org.admin.patch(`/v1/people/${org.managers[1].id}`, { reportsToId: id }, ifMatch(1));
      expect(expectStatus(moved, 200)).toMatchObject({ reportsToId: id, version: 2 });
      const event = await expectOneEvent(strategy.collector, PersonUpdatedV1, {
        subject: org.managers[1].id,
        key: org.orgId,
        where: (data) => data.version === 2,
      });
      expect(event.data).toMatchObject({ personId: org.managers[1].id, role: 'manager', reportsToId: id });

      const reports = expectStatus(await org.integrator.api.get(`/v1/people?reportsToId=${id}`), 200);
      expect(reports.items.map((person: { id: string }) => person.id)).toEqual([org.managers[1].id]);
      const managers = expectStatus(await org.integrator.api.get('/v1/people?role=manager&limit=1'), 200);
      expect(managers.page).toEqual({ limit: 1, offset: 0, total: 2 });
    });

    it('refuses a reporting cycle, a duplicate e-mail, unknown references and bad fields', async () => {
      const boss = await org.addPerson('director');
      const deputy = await org.addPerson('director', { reportsToId: boss.id });
      const cycle = await org.admin.patch(`/v1/people/${boss.id}`, { reportsToId: deputy.id }, ifMatch(1));
      expect(cycle.status).toBe(422);
      expect(cycle.body.errors).toEqual([{ field: 'reportsToId', message: expect.stringMatching(/cycle/) }]);
      expect((await org.admin.patch(`/v1/people/${boss.id}`, { reportsToId: boss.id }, ifMatch(1))).status).toBe(422);

      const existing = expectStatus(await org.admin.get(`/v1/people/${boss.id}`), 200);
      const duplicate = await org.admin.post('/v1/people', {
        name: 'Copy',
        email: existing.email.toUpperCase(),
        role: 'manager',
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.errors[0].field).toBe('email');

      expect(
        (
          await org.admin.post('/v1/people', {
            name: 'Lost',
            email: 'lost@example.com',
            role: 'manager',
            orgUnitId: randomUUID(),
          })
        ).body.errors[0].field,
      ).toBe('orgUnitId');
      expect(
        (
          await org.admin.post('/v1/people', {
            name: 'Lost',
            email: 'lost@example.com',
            role: 'manager',
            reportsToId: randomUUID(),
          })
        ).body.errors[0].field,
      ).toBe('reportsToId');
      const bad = await org.admin.post('/v1/people', { name: 'Bad', email: 'not-an-email', role: 'boss', salary: 1 });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['email', 'role', 'salary']),
      );
      expect(expectStatus(await org.admin.get(`/v1/people/${boss.id}`), 200).version).toBe(1);
    });

    it('refuses to deactivate someone who still has active reports', async () => {
      const lead = await org.addPerson('director');
      await org.addPerson('manager', { reportsToId: lead.id });
      const response = await org.admin.patch(`/v1/people/${lead.id}`, { active: false }, ifMatch(1));
      expect(response.status).toBe(409);
      expect(response.body.detail).toMatch(/direct report/);
    });

    it('refuses to take the role away from someone with open goals or deliverables', async () => {
      const owner = await org.addPerson('director', { orgUnitId: org.companyUnitId });
      const worker = await org.addPerson('manager', { reportsToId: owner.id });
      const goal = expectStatus(
        await owner.api.post('/v1/goals', {
          title: 'Cut cost',
          ownerId: owner.id,
          orgUnitId: org.companyUnitId,
          periodStart: '2026-01-01',
          periodEnd: '2026-12-31',
          budget: { currency: 'EUR', amountMinor: 100 },
        }),
        201,
      );
      expectStatus(
        await owner.api.post(`/v1/goals/${goal.id}/deliverables`, {
          title: 'Renegotiate',
          managerId: worker.id,
          dueDate: '2026-06-30',
          budgetMinor: 100,
        }),
        201,
      );

      const demoted = await org.admin.patch(`/v1/people/${owner.id}`, { role: 'manager' }, ifMatch(1));
      expect(demoted.status).toBe(409);
      expect(demoted.body.detail).toMatch(/owns 1 open goal\(s\) and cannot become a manager/);
      const leaving = await org.admin.patch(`/v1/people/${worker.id}`, { active: false }, ifMatch(1));
      expect(leaving.status).toBe(409);
      expect(leaving.body.detail).toMatch(/manages 1 open deliverable\(s\) and cannot be deactivated/);

      expectStatus(await owner.api.post(`/v1/goals/${goal.id}/close`, { outcome: 'abandoned' }, ifMatch(1)), 200);
      expect(
        expectStatus(await org.admin.patch(`/v1/people/${worker.id}`, { active: false }, ifMatch(1)), 200).active,
      ).toBe(false);
      const inactivePeople = expectStatus(await org.admin.get('/v1/people?active=false'), 200).items.map(
        (person: { id: string }) => person.id,
      );
      expect(inactivePeople).toEqual([worker.id]);
      const inactive = await owner.api.post('/v1/goals', {
        title: 'Again',
        ownerId: owner.id,
        orgUnitId: org.companyUnitId,
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        budget: { currency: 'EUR', amountMinor: 100 },
      });
      expect(inactive.status).toBe(201);
      const toInactive = await owner.api.post(`/v1/goals/${inactive.body.id}/deliverables`, {
        title: 'Nobody',
        managerId: worker.id,
        dueDate: '2026-06-30',
        budgetMinor: 1,
      });
      expect(toInactive.status).toBe(422);
      expect(toInactive.body.errors[0].field).toBe('managerId');
    });

    it('lets only admins manage people', async () => {
      expect(
        (await org.director.api.post('/v1/people', { name: 'Friend', email: 'friend@example.com', role: 'director' }))
          .status,
      ).toBe(403);
      expect(
        (await org.integrator.api.patch(`/v1/people/${org.director.id}`, { role: 'admin' }, ifMatch(1))).status,
      ).toBe(403);
    });
  });
});
