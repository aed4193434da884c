import { GoalCreatedV1, parseEvent } from '@throughline/contracts';
import { waitFor, expectStatus, setUpOrganisation, TestOrganisation } from '@throughline/testing';
import { startStrategy } from './strategy-fixture';

describe('strategy: changes and their events commit together (real PostgreSQL and Kafka)', () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;
  let org: TestOrganisation;

  beforeAll(async () => {
    strategy = await startStrategy();
    org = await setUpOrganisation(strategy.service.url);
  });
  afterAll(async () => strategy?.stop());

  const outboxRows = async (): Promise<number> =>
    (await strategy.service.dataSource.query(`SELECT count(*)::int AS n FROM outbox_event`))[0].n;
  const goal = (fields: Record<string, unknown> = {}) => ({
    title: 'Launch',
    ownerId: org.director.id,
    orgUnitId: org.companyUnitId,
    periodStart: '2026-01-01',
    periodEnd: '2026-06-30',
    budget: { currency: 'EUR', amountMinor: 1_000 },
    ...fields,
  });

  it('writes exactly one outbox row per change, and none for a refused change', async () => {
    const before = await outboxRows();
    expect((await org.director.api.post('/v1/goals', goal({ ownerId: org.managers[0].id }))).status).toBe(422);
    expect((await org.director.api.post('/v1/goals', goal({ periodEnd: '2025-01-01' }))).status).toBe(422);
    expect(await outboxRows()).toBe(before);
    const created = expectStatus(await org.director.api.post('/v1/goals', goal()), 201);
    expect(await outboxRows()).toBe(before + 1);
    const [row] = await strategy.service.dataSource.query(
      `SELECT event_type, partition_key FROM outbox_event ORDER BY seq DESC LIMIT 1`,
    );
    expect(row).toEqual({ event_type: GoalCreatedV1.type, partition_key: created.id });
  });

  it('re-publishes the same event (same id) when the relay stopped between publishing and marking', async () => {
    const created = expectStatus(await org.director.api.post('/v1/goals', goal({ title: 'Crash test' })), 201);
    const [first] = await strategy.collector.waitForType(
      GoalCreatedV1.type,
      1,
      (entry) => entry.event.subject === created.id,
    );
    await waitFor(
      async () =>
        (
          await strategy.service.dataSource.query(`SELECT published_at FROM outbox_event WHERE event_id = $1`, [
            first.event.id,
          ])
        )[0]?.published_at ?? undefined,
      { what: 'the row marked published' },
    );
    // The state a crash after Kafka's acknowledgement and before the mark leaves behind.
    await strategy.service.dataSource.query(`UPDATE outbox_event SET published_at = NULL WHERE event_id = $1`, [
      first.event.id,
    ]);

    const deliveries = await strategy.collector.waitForType(
      GoalCreatedV1.type,
      2,
      (entry) => entry.event.subject === created.id,
    );
    expect(deliveries.map((entry) => parseEvent(entry.raw).id)).toEqual([first.event.id, first.event.id]);
    expect(deliveries.map((entry) => entry.key)).toEqual([created.id, created.id]);
  });
});
