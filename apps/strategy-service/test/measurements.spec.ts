import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { KeyResultCheckedInV1, parseEvent } from '@throughline/contracts';
import { mintDevToken } from '@throughline/service-kit';
import {
  apiAs,
  ApiClient,
  expectStatus,
  ifMatch,
  setUpOrganisation,
  TestOrganisation,
  waitFor,
} from '@throughline/testing';
import { startStrategy } from './strategy-fixture';

const NDJSON = { 'content-type': 'application/x-ndjson' };
const CSV = { 'content-type': 'text/csv' };
const ndjson = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
const key = () => ({ 'idempotency-key': `"${randomUUID()}"` });

describe('strategy: key-result measurements pushed by other systems (real PostgreSQL and Kafka)', () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;
  let org: TestOrganisation;
  /** An integrator's credential narrowed to pushing measurements. */
  let pusher: ApiClient;
  let pusherId: string;

  beforeAll(async () => {
    strategy = await startStrategy();
    org = await setUpOrganisation(strategy.service.url);
    pusherId = randomUUID();
    pusher = await apiAs(strategy.service.url, {
      personId: pusherId,
      orgId: org.orgId,
      role: 'integrator',
      scopes: ['measurements:write'],
    });
  });
  afterAll(async () => strategy?.stop());

  /** An active goal (period 2026) with two key results. */
  const activeGoal = async () => {
    const goal = expectStatus(
      await org.director.api.post('/v1/goals', {
        title: 'Launch the new product line',
        ownerId: org.director.id,
        orgUnitId: org.companyUnitId,
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        budget: { currency: 'EUR', amountMinor: 10_000_000 },
      }),
      201,
    );
    const keyResult = (name: string, baseline: number, target: number) =>
      org.director.api.post(`/v1/goals/${goal.id}/key-results`, {
        name,
        category: 'operational_efficiency',
        unit: 'EUR',
        baseline,
        target,
        direction: baseline < target ? 'increase' : 'decrease',
      });
    const unitCost = expectStatus(await keyResult('Cost per unit', 52, 40), 201);
    const preOrders = expectStatus(await keyResult('Pre-orders', 0, 500), 201);
    expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(1)), 200);
    return { goalId: goal.id as string, unitCost: unitCost.id as string, preOrders: preOrders.id as string };
  };
  const measurementsOf = async (goalId: string, keyResultId: string) =>
    expectStatus(
      await org.director.api.get(`/v1/goals/${goalId}/key-results/${keyResultId}/measurements?limit=100`),
      200,
    );
  const checkInsOf = (keyResultId: string) =>
    strategy.collector
      .ofType(KeyResultCheckedInV1.type)
      .filter((entry) => entry.event.data.keyResultId === keyResultId);

  it('records one measurement with its source and time, published as the check-in event a manager’s would be', async () => {
    const { goalId, unitCost } = await activeGoal();
    const pushed = await pusher.post(`/v1/goals/${goalId}/key-results/${unitCost}/measurements`, {
      value: 47.5,
      measuredAt: '2026-02-28T18:00:00+01:00',
      source: 'SAP S/4HANA cost centre report',
    });
    const measurement = expectStatus(pushed, 201);
    expect(measurement).toEqual({
      id: expect.any(String),
      keyResultId: unitCost,
      goalId,
      value: 47.5,
      measuredAt: '2026-02-28T17:00:00.000Z',
      measuredOn: '2026-02-28',
      source: 'SAP S/4HANA cost centre report',
      recordedBy: pusherId,
      recordedAt: expect.any(String),
    });
    expect(pushed.headers.get('idempotent-replayed')).toBeNull();
    const [message] = await strategy.collector.waitForType(
      KeyResultCheckedInV1.type,
      1,
      (entry) => entry.event.subject === measurement.id,
    );
    const event = parseEvent(message.raw);
    expect(message.key).toBe(goalId);
    expect(event.source).toBe('/throughline/strategy-service');
    expect(event.data).toEqual({
      checkInId: measurement.id,
      keyResultId: unitCost,
      goalId,
      managerId: pusherId,
      value: 47.5,
      measuredOn: '2026-02-28',
      note: 'Pushed by SAP S/4HANA cost centre report, measured at 2026-02-28T17:00:00.000Z',
      recordedAt: measurement.recordedAt,
    });
    expect((await measurementsOf(goalId, unitCost)).items).toEqual([measurement]);
  });

  it('takes thousands of NDJSON rows in one streamed request, one check-in event per row', async () => {
    const { goalId, unitCost, preOrders } = await activeGoal();
    const rows = Array.from({ length: 2500 }, (_, index) => ({
      keyResultId: index % 2 ? preOrders : unitCost,
      value: index,
      measuredAt: new Date(Date.UTC(2026, 1, 1) + index * 60_000).toISOString(),
      source: 'BI export',
    }));
    const answer = await pusher.post('/v1/key-result-measurements', ndjson(rows), NDJSON);
    expect(expectStatus(answer, 200)).toEqual({ recorded: 2500, keyResults: 2 });
    expect((await measurementsOf(goalId, unitCost)).page.total).toBe(1250);
    const latest = (await measurementsOf(goalId, preOrders)).items[0];
    expect(latest).toMatchObject({ value: 2499, measuredAt: rows[2499].measuredAt, source: 'BI export' });
    await waitFor(() => (checkInsOf(preOrders).length === 1250 && checkInsOf(unitCost).length === 1250) || undefined, {
      what: '2,500 check-in events',
    });
    // Ids follow the time measured, so the last of a day is the one metrics takes as current.
    const ids = checkInsOf(preOrders).map((entry) => entry.event.data.checkInId);
    expect([...ids].sort()).toEqual(ids);
  });

  it('publishes a bulk row exactly as the single-measurement API publishes the same measurement (NDJSON and CSV)', async () => {
    const { goalId, unitCost, preOrders } = await activeGoal();
    const measurement = {
      value: 47.5,
      measuredAt: '2026-02-28T18:00:00+01:00',
      source: 'SAP S/4HANA, cost centre 4711',
    };
    const single = expectStatus(
      await pusher.post(`/v1/goals/${goalId}/key-results/${unitCost}/measurements`, measurement),
      201,
    );
    expectStatus(
      await pusher.post('/v1/key-result-measurements', ndjson([{ keyResultId: preOrders, ...measurement }]), NDJSON),
      200,
    );
    const csv = `keyResultId,value,measuredAt,source\n${preOrders},47.5,${measurement.measuredAt},"${measurement.source}"\n`;
    expectStatus(await pusher.post('/v1/key-result-measurements', csv, CSV), 200);
    const [one] = await strategy.collector.waitForType(
      KeyResultCheckedInV1.type,
      1,
      (entry) => entry.event.subject === single.id,
    );
    const bulk = await strategy.collector.waitForType(
      KeyResultCheckedInV1.type,
      2,
      (entry) => entry.event.data.keyResultId === preOrders,
    );
    /** What must match: everything but the ids, times and key result that differ by construction. */
    const comparable = (entry: (typeof bulk)[number]) => {
      const { id, time, subject, correlationid, data, ...attributes } = parseEvent(entry.raw);
      const { checkInId, recordedAt, keyResultId, ...payload } = data as Record<string, unknown>;
      expect([id, time, correlationid, recordedAt, keyResultId]).toEqual(Array(5).fill(expect.any(String)));
      expect(subject).toBe(checkInId);
      return { topic: entry.topic, key: entry.key, attributes, payload, fields: Object.keys(data as object) };
    };
    for (const entry of bulk) expect(comparable(entry)).toEqual(comparable(one));
    expect(comparable(one)).toMatchObject({
      key: goalId,
      attributes: { source: '/throughline/strategy-service', orgid: org.orgId, actorid: pusherId },
      payload: { goalId, managerId: pusherId, value: 47.5, measuredOn: '2026-02-28' },
    });
    // Each event has its audit entry, written with it, the same way.
    const audit = await strategy.service.dataSource.query(
      `SELECT subject, event_type, actor_id FROM audit_entry WHERE subject = ANY($1) ORDER BY subject`,
      [[one, ...bulk].map((entry) => entry.event.subject)],
    );
    expect(audit).toHaveLength(3);
    for (const entry of audit)
      expect(entry).toMatchObject({ event_type: KeyResultCheckedInV1.type, actor_id: pusherId });
  });

  it('takes CSV with a header row, quoted cells and Windows line ends', async () => {
    const { goalId, unitCost } = await activeGoal();
    const csv =
      'source,keyResultId,measuredAt,value\r\n' +
      `"Finance, monthly close",${unitCost},2026-01-31,49.25\r\n` +
      `Finance,${unitCost},2026-02-28T23:59:59Z,48\r\n`;
    expect(expectStatus(await pusher.post('/v1/key-result-measurements', csv, CSV), 200)).toEqual({
      recorded: 2,
      keyResults: 1,
    });
    expect((await measurementsOf(goalId, unitCost)).items.map((item: any) => [item.value, item.source])).toEqual([
      [48, 'Finance'],
      [49.25, 'Finance, monthly close'],
    ]);
  });

  it('refuses a bulk upload with bad rows as a whole, naming every bad row, and records nothing', async () => {
    const { goalId, unitCost } = await activeGoal();
    const draft = expectStatus(
      await org.director.api.post('/v1/goals', {
        title: 'Not started',
        ownerId: org.director.id,
        orgUnitId: org.companyUnitId,
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        budget: { currency: 'EUR', amountMinor: 1_000 },
      }),
      201,
    );
    const draftKeyResult = expectStatus(
      await org.director.api.post(`/v1/goals/${draft.id}/key-results`, {
        name: 'Leads',
        category: 'growth',
        unit: 'leads',
        baseline: 0,
        target: 10,
        direction: 'increase',
      }),
      201,
    );
    const good = { keyResultId: unitCost, value: 45, measuredAt: '2026-03-01', source: 'ERP' };
    const lines = [
      ndjson([good]),
      ndjson([{ ...good, value: 1e300 }]),
      ndjson([{ ...good, keyResultId: randomUUID() }]),
      ndjson([{ ...good, measuredAt: '2026-02-30' }]),
      ndjson([{ ...good, measuredAt: '2099-01-01T00:00:00Z' }]),
      ndjson([{ ...good, measuredAt: '2025-12-31' }]),
      'not json\n',
      ndjson([{ ...good, keyResultId: draftKeyResult.id, source: '' }]),
      ndjson([{ ...good, colour: 'red' }]),
      ndjson([good]),
    ].join('');
    const refused = await pusher.post('/v1/key-result-measurements', lines, NDJSON);
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.detail).toMatch(/^8 of 10 rows were refused and nothing was recorded/);
    expect(refused.body.errors.map((problem: { field: string }) => problem.field)).toEqual([
      'row 2 value',
      'row 3 keyResultId',
      'row 4 measuredAt',
      'row 5 measuredAt',
      'row 6 measuredAt',
      'row 7 line',
      'row 8 source',
      'row 9 colour',
    ]);
    expect(refused.body.errors[1].message).toMatch(/^no key result .* in your organisation$/);
    expect((await measurementsOf(goalId, unitCost)).page.total).toBe(0);

    const badCsv = 'keyResultId,value,measuredAt,source\n' + `${unitCost},"1,5",2026-03-01,ERP\n${unitCost},2\n`;
    const csvRefused = await pusher.post('/v1/key-result-measurements', badCsv, CSV);
    expect(csvRefused.status).toBe(422);
    expect(csvRefused.body.errors).toEqual([
      { field: 'row 2 value', message: '"1,5" is not a number' },
      { field: 'row 3 row', message: 'has 2 cells, the header 4' },
    ]);
    const wrongHeader = await pusher.post('/v1/key-result-measurements', 'kr,value\n', CSV);
    expect(wrongHeader.status).toBe(400);
    expect(wrongHeader.body.detail).toMatch(
      /missing: keyResultId, measuredAt, source; not columns of a measurement: kr/,
    );
    expect((await pusher.post('/v1/key-result-measurements', '', NDJSON)).status).toBe(400);
    expect((await pusher.post('/v1/key-result-measurements', 'a,b', { 'content-type': 'text/plain' })).status).toBe(
      415,
    );
    // A single push breaks the same rules by field; one for a goal no longer active is a conflict.
    const single = await pusher.post(`/v1/goals/${goalId}/key-results/${unitCost}/measurements`, {
      value: 1,
      measuredAt: '2026-13-01',
      source: 'ERP',
    });
    expect(single.status).toBe(422);
    expect(single.body.errors).toEqual([{ field: 'measuredAt', message: expect.stringContaining('"2026-13-01"') }]);
    const toDraft = await pusher.post(`/v1/goals/${draft.id}/key-results/${draftKeyResult.id}/measurements`, good);
    expect(toDraft.status).toBe(400);
    expect(
      (
        await pusher.post(`/v1/goals/${draft.id}/key-results/${draftKeyResult.id}/measurements`, {
          value: 1,
          measuredAt: '2026-03-01',
          source: 'ERP',
        })
      ).status,
    ).toBe(409);
    expect((await measurementsOf(goalId, unitCost)).page.total).toBe(0);
  });

  it('answers a retry with the same Idempotency-Key and body with the first response, recording once', async () => {
    const { goalId, unitCost, preOrders } = await activeGoal();
    const single = { value: 46, measuredAt: '2026-03-02T08:00:00Z', source: 'ERP' };
    const headers = key();
    const first = expectStatus(
      await pusher.post(`/v1/goals/${goalId}/key-results/${unitCost}/measurements`, single, headers),
      201,
    );
    const again = await pusher.post(`/v1/goals/${goalId}/key-results/${unitCost}/measurements`, single, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first);

    const rows = ndjson([
      { keyResultId: unitCost, value: 45, measuredAt: '2026-03-03', source: 'ERP' },
      { keyResultId: preOrders, value: 120, measuredAt: '2026-03-03', source: 'Shop' },
    ]);
    const bulkKey = key();
    expectStatus(await pusher.post('/v1/key-result-measurements', rows, { ...NDJSON, ...bulkKey }), 200);
    const replay = await pusher.post('/v1/key-result-measurements', rows, { ...NDJSON, ...bulkKey });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual({ recorded: 2, keyResults: 2 });
    expect((await measurementsOf(goalId, unitCost)).page.total).toBe(2);
    await waitFor(() => (checkInsOf(unitCost).length >= 2 && checkInsOf(preOrders).length >= 1) || undefined, {
      what: 'the check-ins',
    });
    expect([checkInsOf(unitCost).length, checkInsOf(preOrders).length]).toEqual([2, 1]);

    // Keys are the caller's own: another integrator's request with the same key is its own.
    const other = await apiAs(strategy.service.url, { personId: randomUUID(), orgId: org.orgId, role: 'integrator' });
    expect(
      (await other.post('/v1/key-result-measurements', rows, { ...NDJSON, ...bulkKey })).headers.get(
        'idempotent-replayed',
      ),
    ).toBeNull();
    expect((await measurementsOf(goalId, unitCost)).page.total).toBe(3);
  });

  it('refuses the same Idempotency-Key with another body (422) and while its first request still runs (409)', async () => {
    const { goalId, unitCost } = await activeGoal();
    const headers = key();
    const path = `/v1/goals/${goalId}/key-results/${unitCost}/measurements`;
    expectStatus(await pusher.post(path, { value: 46, measuredAt: '2026-03-02', source: 'ERP' }, headers), 201);
    const reused = await pusher.post(path, { value: 44, measuredAt: '2026-03-02', source: 'ERP' }, headers);
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect(reused.body.detail).toMatch(/was used for another request/);
    expect(
      (await pusher.post('/v1/key-result-measurements', ndjson([]) + '\n', { ...NDJSON, ...headers })).status,
    ).toBe(422);
    expect(
      (await pusher.post(path, { value: 46, measuredAt: '2026-03-02', source: 'ERP' }, { 'idempotency-key': '"' }))
        .status,
    ).toBe(400);

    // A slow upload holds its key: a second request with it meanwhile answers 409; the first then completes.
    const slowKey = randomUUID();
    const token = await pusherToken();
    const url = new URL('/v1/key-result-measurements', strategy.service.url);
    let finish: (line: string) => void = () => undefined;
    const slow = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        url,
        {
          method: 'POST',
          headers: { ...NDJSON, authorization: `Bearer ${token}`, 'idempotency-key': `"${slowKey}"` },
        },
        (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      request.write(ndjson([{ keyResultId: unitCost, value: 43, measuredAt: '2026-03-04', source: 'ERP' }]));
      finish = (line) => request.end(line);
    });
    await waitFor(
      async () => {
        const [held] = await strategy.service.dataSource.query(
          `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
             AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
          [`idempotency-key:${org.orgId}:${pusherId}:${slowKey}`],
        );
        return held;
      },
      { what: 'the slow upload to hold its key' },
    );
    const meanwhile = await pusher.post(
      '/v1/key-result-measurements',
      ndjson([{ keyResultId: unitCost, value: 43, measuredAt: '2026-03-04', source: 'ERP' }]),
      { ...NDJSON, 'idempotency-key': `"${slowKey}"` },
    );
    expect(meanwhile.status).toBe(409);
    finish(ndjson([{ keyResultId: unitCost, value: 42, measuredAt: '2026-03-05', source: 'ERP' }]));
    const done = await slow;
    expect([done.status, JSON.parse(done.body)]).toEqual([200, { recorded: 2, keyResults: 1 }]);
    expect((await measurementsOf(goalId, unitCost)).page.total).toBe(3);
  });

  it('keeps a measurements-only credential to pushing measurements; other roles may not push', async () => {
    const { goalId, unitCost } = await activeGoal();
    for (const [method, path] of [
      ['get', '/v1/goals'],
      ['get', `/v1/goals/${goalId}`],
      ['get', `/v1/goals/${goalId}/key-results/${unitCost}/measurements`],
      ['get', '/v1/people'],
      ['post', '/v1/goals'],
      ['delete', `/v1/goals/${goalId}/key-results/${unitCost}`],
    ] as const) {
      const refused = await (pusher as any)[method](path, ...(method === 'post' ? [{}] : []));
      expect([path, refused.status, refused.body.detail]).toEqual([
        path,
        403,
        'Your token is limited to the scope measurements:write, which does not open this route.',
      ]);
    }
    const body = { value: 45, measuredAt: '2026-03-01', source: 'ERP' };
    for (const api of [org.director.api, org.managers[0].api, org.admin])
      expect((await api.post(`/v1/goals/${goalId}/key-results/${unitCost}/measurements`, body)).status).toBe(403);
    expect((await org.director.api.post('/v1/key-result-measurements', ndjson([]), NDJSON)).status).toBe(403);
    // An integrator's unscoped credential pushes too (and reads, as integrators do).
    expect(
      (await org.integrator.api.post(`/v1/goals/${goalId}/key-results/${unitCost}/measurements`, body)).status,
    ).toBe(201);
    // Another organisation's integrator neither sees nor measures this key result.
    const stranger = await apiAs(strategy.service.url, {
      personId: randomUUID(),
      orgId: randomUUID(),
      role: 'integrator',
    });
    expect((await stranger.post(`/v1/goals/${goalId}/key-results/${unitCost}/measurements`, body)).status).toBe(404);
    const strangerBulk = await stranger.post(
      '/v1/key-result-measurements',
      ndjson([{ ...body, keyResultId: unitCost }]),
      NDJSON,
    );
    expect([strangerBulk.status, strangerBulk.body.errors]).toEqual([
      422,
      [{ field: 'row 1 keyResultId', message: `no key result ${unitCost} in your organisation` }],
    ]);
  });

  async function pusherToken(): Promise<string> {
    return mintDevToken({ personId: pusherId, orgId: org.orgId, role: 'integrator', scopes: ['measurements:write'] });
  }
});
