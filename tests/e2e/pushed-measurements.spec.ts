import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintDevToken } from '@throughline/service-kit';
import {
  apiAs,
  expectStatus,
  ifMatch,
  runExample,
  setUpOrganisation,
  startTestService,
  TestService,
  uniqueTag,
  waitFor,
} from '@throughline/testing';
import { AppModule as MetricsApp } from '../../apps/metrics-service/src/app.module';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { AppModule as StrategyApp } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';

/**
 * A measurement pushed to strategy reaches metrics as a check-in, over the real broker and
 * database: the key result's outcome moves, once, however often the push is retried.
 */
describe('pushed measurements: strategy → metrics', () => {
  const tag = uniqueTag();
  let strategy: TestService;
  let metrics: TestService;

  beforeAll(async () => {
    strategy = await startTestService(StrategyApp, { tag, database: strategyDatabase });
    metrics = await startTestService(MetricsApp, { tag, database: metricsDatabase });
  });
  afterAll(async () => {
    await metrics?.stop();
    await strategy?.stop();
  });

  it("moves the goal's outcomes component once, whatever the retries", async () => {
    const org = await setUpOrganisation(strategy.url);
    const goal = expectStatus(
      await org.director.api.post('/v1/goals', {
        title: 'Cut the cost per unit',
        ownerId: org.director.id,
        orgUnitId: org.companyUnitId,
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        budget: { currency: 'EUR', amountMinor: 1_000_000 },
      }),
      201,
    );
    const keyResult = expectStatus(
      await org.director.api.post(`/v1/goals/${goal.id}/key-results`, {
        name: 'Cost per unit',
        category: 'operational_efficiency',
        unit: 'EUR',
        baseline: 52,
        target: 40,
        direction: 'decrease',
      }),
      201,
    );
    expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(1)), 200);
    const reader = await apiAs(metrics.url, { personId: org.director.id, orgId: org.orgId, role: 'director' });
    const outcomes = async () => {
      const score = await reader.get(`/v1/scores/goals/${goal.id}`);
      if (score.status !== 200) return undefined;
      return score.body.components.find((component: { name: string }) => component.name === 'outcomes') as
        { value: number | null } | undefined;
    };
    const before = await waitFor(outcomes, { what: "the goal's first score" });

    const pusher = await apiAs(strategy.url, {
      personId: randomUUID(),
      orgId: org.orgId,
      role: 'integrator',
      scopes: ['measurements:write'],
    });
    const rows = `keyResultId,value,measuredAt,source\n${keyResult.id},40,${new Date().toISOString().slice(0, 10)},ERP\n`;
    const headers = { 'content-type': 'text/csv', 'idempotency-key': `"${randomUUID()}"` };
    expectStatus(await pusher.post('/v1/key-result-measurements', rows, headers), 200);
    const after = await waitFor(
      async () => {
        const current = await outcomes();
        return current && current.value !== before.value ? current : undefined;
      },
      { what: 'the outcomes component to move' },
    );
    expect(after.value).toBeGreaterThan(before.value ?? 0);
    const replay = await pusher.post('/v1/key-result-measurements', rows, headers);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const checkIns = () =>
      metrics.dataSource.query(`SELECT value FROM key_result_check_in WHERE key_result_id = $1`, [keyResult.id]);
    expect(await checkIns()).toEqual([{ value: 40 }]);
    // The outbox is drained by now (the relay published what metrics applied); nothing more arrives.
    await waitFor(
      async () => {
        const [row] = await strategy.dataSource.query(
          `SELECT count(*)::int AS waiting FROM outbox_event WHERE published_at IS NULL`,
        );
        return row.waiting === 0 || undefined;
      },
      { what: "strategy's outbox to drain" },
    );
    expect(await checkIns()).toEqual([{ value: 40 }]);
    const published = await strategy.dataSource.query(
      `SELECT count(*)::int AS events FROM outbox_event WHERE event_type = 'throughline.key-result.checked-in.v1' AND envelope->'data'->>'keyResultId' = $1`,
      [keyResult.id],
    );
    expect(published).toEqual([{ events: 1 }]);
    expect((await outcomes())?.value).toBe(after.value);
  });

  it('pushes a file with the example integrator (examples/push-measurements.ts); the same file again is replayed', async () => {
    const org = await setUpOrganisation(strategy.url, 'Example Push Ltd');
    const goal = expectStatus(
      await org.director.api.post('/v1/goals', {
        title: 'Grow pre-orders',
        ownerId: org.director.id,
        orgUnitId: org.companyUnitId,
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        budget: { currency: 'EUR', amountMinor: 1_000_000 },
      }),
      201,
    );
    const keyResult = expectStatus(
      await org.director.api.post(`/v1/goals/${goal.id}/key-results`, {
        name: 'Pre-orders',
        category: 'growth',
        unit: 'orders',
        baseline: 0,
        target: 500,
        direction: 'increase',
      }),
      201,
    );
    expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(1)), 200);
    const file = join(tmpdir(), `measurements-${randomUUID()}.csv`);
    writeFileSync(
      file,
      `keyResultId,value,measuredAt,source\n${keyResult.id},120,2026-02-01,Shop\n${keyResult.id},180,2026-03-01,Shop\n`,
    );
    const env = {
      TOKEN: await mintDevToken({
        personId: randomUUID(),
        orgId: org.orgId,
        role: 'integrator',
        scopes: ['measurements:write'],
      }),
      MEASUREMENTS: file,
      STRATEGY_URL: strategy.url,
    };
    const first = runExample('push-measurements.ts', env);
    expect([await first.exited, first.output().trim()]).toEqual([0, 'pushed: 2 measurements of 1 key results']);
    const again = runExample('push-measurements.ts', env);
    expect([await again.exited, again.output().trim()]).toEqual([
      0,
      'already pushed (the first answer, replayed): 2 measurements of 1 key results',
    ]);
    const listed = expectStatus(
      await org.integrator.api.get(`/v1/goals/${goal.id}/key-results/${keyResult.id}/measurements`),
      200,
    );
    expect(listed.items.map((item: { value: number }) => item.value)).toEqual([180, 120]);
  });
});
