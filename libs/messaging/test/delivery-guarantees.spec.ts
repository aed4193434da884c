import { randomUUID } from 'node:crypto';
import { Kafka, KafkaJSProtocolError, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createEvent, deadLetterTopic, GoalActivatedV1, Topics } from '@throughline/contracts';
import {
  dropSchema,
  EventCollector,
  testDatabaseUrl,
  testKafkaBrokers,
  uniqueTag,
  waitFor,
} from '@throughline/testing';
import { DeadLetterHeaders, DeadLetterPublisher } from '../src/core/dead-letter';
import { readDeadLetters, replayDeadLetters } from '../src/core/dead-letter-queue';
import { beforeCommit } from '../src/core/before-commit';
import { EventConsumer, EventHandlerFn, UnprocessableEventError } from '../src/core/event-consumer';
import { eventMessage } from '../src/core/event-message';
import { createProducer, ensureTopics } from '../src/core/kafka-client';
import { ORGANISATION_HEADER } from '../src/core/organisation-partitioner';
import { messagingMigrations } from '../src/core/messaging-migrations';
import { Outbox, OUTBOX_CHANNEL } from '../src/core/outbox';
import { preparedQuery } from '../src/core/prepared-statement';
import { OutboxRelay } from '../src/core/outbox-relay';

/** The shared plumbing on its own, against the real broker and database. */
describe('messaging: outbox, relay and idempotent consumer', () => {
  const tag = uniqueTag();
  const prefix = `t${tag}.`;
  const goalsTopic = prefix + Topics.Goals;
  // Each consumer scenario reads its own topic, so one scenario's messages never count in another's.
  const consumerTopic = `${prefix}probe.consumer`;
  const unprocessableTopic = `${prefix}probe.unprocessable`;
  const restartTopic = `${prefix}probe.restart`;
  const outageTopic = `${prefix}probe.outage`;
  const stoppingTopic = `${prefix}probe.stopping`;
  const batchTopic = `${prefix}probe.batches`;
  const ownedTopics = [`${prefix}probe.owned-goals`, `${prefix}probe.owned-tasks`];
  const ownerGroup = `probe-owner-${tag}`;
  const dlt = prefix + deadLetterTopic('probe');
  const schema = `t_${tag}_messaging`;
  const orgId = randomUUID();
  const kafka = new Kafka({ brokers: [testKafkaBrokers()], logLevel: logLevel.NOTHING });
  let dataSource: DataSource;
  let producer: Producer;
  let collector: EventCollector;

  /** The effect of applying an event, one row per application (so doubles would show). */
  const recordEffect: EventHandlerFn = async (event, tx) =>
    void (await tx.query(`INSERT INTO effect (event_id, goal_id) VALUES ($1, $2)`, [event.id, event.data.goalId]));

  const effectsOf = async (eventId: string): Promise<number> =>
    (await dataSource.query(`SELECT 1 FROM effect WHERE event_id = $1`, [eventId])).length;

  /** How many sessions hold the schema's relay lock: one while a relay is active, none once all stopped. */
  const relayLockHolders = async (): Promise<number> =>
    (
      await dataSource.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND objid = hashtext('throughline_outbox:' || current_schema())::oid`,
      )
    )[0].n;

  const activation = () =>
    createEvent(
      GoalActivatedV1,
      { ...GoalActivatedV1.example, goalId: randomUUID() },
      { source: '/test', orgId, correlationId: 'c-1' },
    );

  beforeAll(async () => {
    const setup = new DataSource({ type: 'postgres', url: testDatabaseUrl() });
    await setup.initialize();
    await setup.query(`CREATE SCHEMA "${schema}"`);
    await setup.destroy();
    dataSource = new DataSource({
      type: 'postgres',
      url: testDatabaseUrl(),
      schema,
      migrations: messagingMigrations,
      extra: { options: `-c search_path=${schema}` },
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.query(`CREATE TABLE effect (event_id uuid NOT NULL, goal_id uuid NOT NULL)`);
    await dataSource.query(`CREATE TABLE committed_together (organisations text[] NOT NULL, events integer NOT NULL)`);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(
      admin,
      [
        goalsTopic,
        consumerTopic,
        unprocessableTopic,
        restartTopic,
        outageTopic,
        stoppingTopic,
        batchTopic,
        ...ownedTopics,
        dlt,
      ],
      3,
    );
    await admin.disconnect();
    producer = createProducer(kafka);
    await producer.connect();
    collector = await EventCollector.start([goalsTopic, dlt]);
  });
  afterAll(async () => {
    await collector?.stop();
    await producer?.disconnect();
    await dataSource?.destroy();
    await dropSchema(schema);
  });

  it('writes nothing to the outbox when the transaction that made the change rolls back', async () => {
    const outbox = new Outbox(prefix);
    const event = activation();
    await expect(
      dataSource.transaction(async (tx) => {
        await outbox.append(tx, [event]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const rows = await dataSource.query(`SELECT 1 FROM outbox_event WHERE event_id = $1`, [event.envelope.id]);
    expect(rows).toHaveLength(0);
  });

  it("tells the process's relay once the outermost transaction that wrote events commits, never after a rollback, and at once for a statement of its own", async () => {
    const outbox = new Outbox(prefix);
    const told: string[] = [];
    let writing = '';
    outbox.announceCommitsTo(() => told.push(writing));
    writing = 'a statement of its own';
    await outbox.append(dataSource.manager, [activation()]);
    expect(told).toEqual(['a statement of its own']);
    writing = 'a transaction';
    await dataSource.transaction(async (tx) => {
      await tx.transaction((inner) => outbox.append(inner, [activation()]));
      // Its savepoint is released, but no one else sees the events yet.
      expect(told).toEqual(['a statement of its own']);
    });
    expect(told).toEqual(['a statement of its own', 'a transaction']);
    writing = 'a transaction rolled back';
    await expect(
      dataSource.transaction(async (tx) => {
        await outbox.append(tx, [activation()]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(told).toEqual(['a statement of its own', 'a transaction']);
  });

  it('publishes what its process committed with no notification; another instance wakes it while it holds the schema, and takes over once it stops', async () => {
    // Two instances of a service: a relay each, on their own sessions. A poll far beyond the waits
    // below: only a wake-up can publish in time.
    const first = new OutboxRelay(dataSource, producer, { pollIntervalMs: 600_000 });
    const second = new OutboxRelay(dataSource, producer, { pollIntervalMs: 600_000 });
    const firstOutbox = new Outbox(prefix);
    firstOutbox.announceCommitsTo(() => first.committed());
    const secondOutbox = new Outbox(prefix);
    secondOutbox.announceCommitsTo(() => second.committed());
    const listener = new Client({ connectionString: testDatabaseUrl() });
    const heard: string[] = [];
    listener.on('notification', (message) => {
      if (message.payload === schema) heard.push(message.channel);
    });
    await listener.connect();
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    const published = (event: ReturnType<typeof activation>) =>
      waitFor(() => collector.received.some((entry) => entry.event.id === event.envelope.id), {
        timeoutMs: 10_000,
        what: `${event.envelope.id} published`,
      });
    await first.start();
    await second.start();
    try {
      const alone = activation();
      await dataSource.transaction((tx) => firstOutbox.append(tx, [alone]));
      await published(alone);
      const again = activation();
      await firstOutbox.append(dataSource.manager, [again]);
      await published(again);
      expect(heard).toEqual([]);
      // The first relay keeps the schema between its batches: the second's commits wake it.
      expect(await relayLockHolders()).toBe(1);
      const fromSecond = activation();
      await dataSource.transaction((tx) => secondOutbox.append(tx, [fromSecond]));
      await published(fromSecond);
      // One notification: the relay it woke does not answer with another.
      expect(heard).toEqual([OUTBOX_CHANNEL]);
      // Stopped, the first gives the lock back and wakes the others, which publish what waits.
      await first.stop();
      const waiting = activation();
      await new Outbox(prefix).append(dataSource.manager, [waiting]);
      await published(waiting);
      expect(await relayLockHolders()).toBe(1);
    } finally {
      await first.stop();
      await second.stop();
      await listener.end();
    }
    expect(await relayLockHolders()).toBe(0);
  });

  it('takes the schema over from a holder that stalled while events waited, by ending its session', async () => {
    // A session holding the schema's lock and doing nothing, as a relay whose process is frozen: its connection stays open.
    const stalled = new Client({ connectionString: testDatabaseUrl() });
    await stalled.connect();
    const ended = new Promise<Error>((resolve) => stalled.on('error', resolve));
    await stalled.query(`SET search_path TO "${schema}"`);
    const {
      rows: [{ pid }],
    } = await stalled.query(
      `SELECT pg_backend_pid() AS pid, pg_advisory_lock(hashtext('throughline_outbox:' || current_schema()))`,
    );
    const relay = new OutboxRelay(dataSource, producer, { pollIntervalMs: 100, stalledHolderAfterMs: 500 });
    const waiting = activation();
    await new Outbox(prefix).append(dataSource.manager, [waiting]);
    await relay.start();
    try {
      await waitFor(() => collector.received.some((entry) => entry.event.id === waiting.envelope.id), {
        timeoutMs: 10_000,
        what: 'the waiting event published by the relay that took over',
      });
      expect(String(await ended)).toContain('terminat');
      const holders = await dataSource.query(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND objid = hashtext('throughline_outbox:' || current_schema())::oid`,
      );
      expect(holders).toHaveLength(1);
      expect(holders[0].pid).not.toBe(pid);
    } finally {
      await relay.stop();
      await stalled.end().catch(() => undefined);
    }
  });

  it('writes a guarded change and its events in one statement, and neither when the guard matches nothing', async () => {
    const outbox = new Outbox(prefix);
    await dataSource.query(`CREATE TABLE guarded (id uuid PRIMARY KEY, version int NOT NULL)`);
    const id = randomUUID();
    await dataSource.query(`INSERT INTO guarded VALUES ($1, 1)`, [id]);
    const bumpFrom = (version: number) => ({
      sql: `applied AS (UPDATE guarded SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING id)`,
      params: [id, version],
    });
    const first = activation();
    // Outside any transaction of the caller's: the one statement is its own.
    expect(await outbox.appendIf(dataSource.manager, bumpFrom(1), [first], { audit: true })).toBe(true);
    const stale = activation();
    expect(await outbox.appendIf(dataSource.manager, bumpFrom(1), [stale], { audit: true })).toBe(false);
    const [{ version }] = await dataSource.query(`SELECT version FROM guarded WHERE id = $1`, [id]);
    expect(version).toBe(2);
    const ids = [first.envelope.id, stale.envelope.id];
    const outboxed = await dataSource.query(`SELECT event_id FROM outbox_event WHERE event_id = ANY($1)`, [ids]);
    const audited = await dataSource.query(`SELECT event_id FROM audit_entry WHERE event_id = ANY($1)`, [ids]);
    expect(outboxed).toEqual([{ event_id: first.envelope.id }]);
    expect(audited).toEqual([{ event_id: first.envelope.id }]);
  });

  it("prepares a hot statement once per connection, in the caller's transaction, and fails as a query does", async () => {
    const text = `SELECT $1::int + 1 AS next`;
    const prepared = (tx: EntityManager) =>
      tx.query(`SELECT count(*)::int AS count FROM pg_prepared_statements WHERE statement = $1`, [text]);
    await dataSource.transaction(async (tx) => {
      expect(await preparedQuery(tx, text, [1])).toEqual([{ next: 2 }]);
      expect(await preparedQuery(tx, text, [41])).toEqual([{ next: 42 }]);
      // One connection (the transaction's), one prepared statement, whatever the calls.
      expect(await prepared(tx)).toEqual([{ count: 1 }]);
    });
    const failure = await preparedQuery(dataSource.manager, `SELECT $1::uuid AS id`, ['not a uuid']).catch(
      (error) => error,
    );
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(failure.code).toBe('22P02');
  });

  it('leaves nothing of its own on the session it gives back to the pool when stopped', async () => {
    // A pool of its own, named, so that only its connections are terminated.
    const applicationName = `relay-probe-${tag}`;
    const own = new DataSource({
      type: 'postgres',
      url: testDatabaseUrl(),
      schema,
      extra: { options: `-c search_path=${schema}`, application_name: applicationName },
    });
    await own.initialize();
    try {
      const relay = new OutboxRelay(own, producer, { pollIntervalMs: 50 });
      await relay.start();
      await waitFor(async () => (await relayLockHolders()) === 1, { what: 'the relay to hold the schema' });
      await relay.stop();
      // Every connection of the pool as a fresh one: no lock, no channel, commits that wait for the disk.
      const pool = (own.driver as PostgresDriver).master as { totalCount: number };
      const [{ synchronous_commit: fresh }] = await dataSource.query(`SHOW synchronous_commit`);
      const runners = Array.from({ length: pool.totalCount }, () => own.createQueryRunner());
      try {
        const states = await Promise.all(
          runners.map(async (runner) => {
            await runner.connect();
            const [state] = await runner.query(
              `SELECT current_setting('synchronous_commit') AS sync,
                 (SELECT count(*)::int FROM pg_listening_channels()) AS channels,
                 (SELECT count(*)::int FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory') AS locks`,
            );
            return state;
          }),
        );
        expect(states).toEqual(runners.map(() => ({ sync: fresh, channels: 0, locks: 0 })));
      } finally {
        await Promise.all(runners.map((runner) => runner.release()));
      }
      // Its connections now fail in the pool's hands, as in a database restart: the pool drops them,
      // and a listener the relay left behind would release one twice (an uncaught error).
      expect(pool.totalCount).toBeGreaterThan(0);
      await dataSource.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
        applicationName,
      ]);
      await waitFor(() => pool.totalCount === 0, { what: 'the pool to drop the terminated connections' });
    } finally {
      await own.destroy();
    }
  });

  it('under load, lets the commits of its batch interval share one publish', async () => {
    const outbox = new Outbox(prefix);
    const publishes: number[] = [];
    const counting = {
      sendBatch: (batch: Parameters<Producer['sendBatch']>[0]) => {
        publishes.push(batch.topicMessages!.reduce((sum, { messages }) => sum + messages.length, 0));
        return producer.sendBatch(batch);
      },
    } as unknown as Producer;
    const relay = new OutboxRelay(dataSource, counting, { pollIntervalMs: 50, batchIntervalMs: 1_000 });
    const events = Array.from({ length: 20 }, () => activation());
    await relay.start();
    try {
      // Twenty commits one after another, each waking the relay: the first goes out at once, the rest wait for the interval.
      for (const event of events) await dataSource.transaction((tx) => outbox.append(tx, [event]));
      await waitFor(async () => (await relay.backlog()) === 0, { what: 'the outbox to drain' });
    } finally {
      await relay.stop();
    }
    expect(publishes.reduce((sum, count) => sum + count, 0)).toBe(events.length);
    expect(publishes.length).toBeLessThanOrEqual(3);
  });

  it('re-publishes the same event ids when the relay dies between publishing and marking, then marks them once', async () => {
    const outbox = new Outbox(prefix);
    const events = [activation(), activation(), activation()];
    await dataSource.transaction((tx) => outbox.append(tx, events));
    let crashes = 0;
    const relay = new OutboxRelay(dataSource, producer, {
      pollIntervalMs: 50,
      afterPublish: () => {
        // The first batch reaches Kafka, then the relay "dies" before marking it.
        if (crashes++ === 0) throw new Error('relay crashed after publishing');
      },
    });
    await relay.start();
    try {
      await waitFor(async () => (await relay.backlog()) === 0, { what: 'the outbox to drain' });
    } finally {
      await relay.stop();
    }
    const ids = events.map((event) => event.envelope.id);
    const seen = await waitFor(
      () => {
        const matching = collector.received.filter((entry) => ids.includes(entry.event.id));
        return matching.length >= 6 ? matching : undefined;
      },
      { what: 'each event published twice' },
    );
    for (const id of ids) expect(seen.filter((entry) => entry.event.id === id)).toHaveLength(2);
    // Within each partition, the repeated batch comes after the first and in the same order.
    for (const partition of new Set(seen.map((entry) => entry.partition))) {
      const inPartition = seen.filter((entry) => entry.partition === partition).map((entry) => entry.event.id);
      const once = ids.filter((id) => inPartition.includes(id));
      expect(inPartition).toEqual([...once, ...once]);
    }
    const marked = await dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_event WHERE event_id = ANY($1) AND published_at IS NOT NULL`,
      [ids],
    );
    expect(marked[0].n).toBe(3);
  });

  it('applies a redelivered event once, dead-letters poison with its reason and origin, and moves on', async () => {
    const good = activation();
    const failing = activation();
    const after = activation();
    let failingAttempts = 0;
    const consumer = new EventConsumer({
      kafka,
      dataSource,
      groupId: `probe-${tag}`,
      topics: [consumerTopic],
      retryBackoffMs: 10,
      maxAttempts: 3,
      deadLetters: new DeadLetterPublisher(producer, dlt, `probe-${tag}`),
      handlers: new Map([
        [
          GoalActivatedV1.type,
          [
            async (event, tx) => {
              if (event.id === failing.envelope.id) {
                failingAttempts++;
                throw new Error('the read model refuses it');
              }
              await recordEffect(event, tx);
            },
          ],
        ],
      ]),
    });
    const send = (value: string, key: string) => producer.send({ topic: consumerTopic, messages: [{ key, value }] });
    await consumer.start();
    try {
      await send(JSON.stringify(good.envelope), good.key);
      await send(JSON.stringify(good.envelope), good.key);
      await send('{ not json', 'poison');
      await send(JSON.stringify({ ...good.envelope, id: randomUUID(), data: { goalId: 'nope' } }), 'off-schema');
      await send(JSON.stringify(failing.envelope), failing.key);
      await send(JSON.stringify(after.envelope), after.key);
      // Events of other aggregates may sit in other partitions: the failing one is still being retried
      // when the one after it is applied, and a stopping consumer would give that retry up.
      await waitFor(async () => (await effectsOf(after.envelope.id)) === 1 && consumer.stats.dead_lettered === 3, {
        what: 'the event after the poison to be applied, and the three dead letters parked',
      });
    } finally {
      await consumer.stop();
    }
    const effects = await dataSource.query(`SELECT event_id FROM effect WHERE event_id = ANY($1)`, [
      [good.envelope.id, failing.envelope.id, after.envelope.id],
    ]);
    expect(effects.map((row: { event_id: string }) => row.event_id).sort()).toEqual(
      [good.envelope.id, after.envelope.id].sort(),
    );
    expect(consumer.stats).toEqual({ processed: 2, duplicate: 1, skipped: 0, dead_lettered: 3, retried: 2 });
    expect(failingAttempts).toBe(3);

    const letters = await waitFor(
      () =>
        collector.received.filter((entry) => entry.topic === dlt).length >= 3
          ? collector.received.filter((entry) => entry.topic === dlt)
          : undefined,
      { what: 'three dead letters' },
    );
    expect(letters.map((entry) => entry.key).sort()).toEqual(['poison', 'off-schema', failing.key].sort());
    expect(letters.find((entry) => entry.key === 'poison')!.raw).toBe('{ not json');
  });

  it('records why and where a dead letter came from in its headers', async () => {
    const kafkaConsumer = kafka.consumer({ groupId: `dlt-reader-${tag}` });
    await kafkaConsumer.connect();
    await kafkaConsumer.subscribe({ topic: dlt, fromBeginning: true });
    const headers = new Map<string, Record<string, string>>();
    await kafkaConsumer.run({
      eachMessage: async ({ message }) => {
        headers.set(
          String(message.key),
          Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
        );
      },
    });
    try {
      await waitFor(() => headers.size >= 3, { what: 'dead letters to be read' });
    } finally {
      await kafkaConsumer.disconnect();
    }
    const poison = headers.get('poison')!;
    const offSchema = headers.get('off-schema')!;
    const failing = [...headers.entries()].find(([key]) => key !== 'poison' && key !== 'off-schema')![1];
    expect(poison).toMatchObject({
      [DeadLetterHeaders.originalTopic]: consumerTopic,
      [DeadLetterHeaders.reason]: 'message value is not JSON',
      [DeadLetterHeaders.attempts]: '1',
      [DeadLetterHeaders.consumerGroup]: `probe-${tag}`,
    });
    expect(offSchema[DeadLetterHeaders.reason]).toMatch(/invalid throughline.goal.activated.v1 data/);
    expect(failing).toMatchObject({
      [DeadLetterHeaders.reason]: 'Error: the read model refuses it',
      [DeadLetterHeaders.attempts]: '3',
    });
    for (const letter of [poison, offSchema, failing])
      expect(Number(letter[DeadLetterHeaders.offset])).toBeGreaterThanOrEqual(0);
  });

  it('lists the dead letters and replays one into its topic once the cause is fixed', async () => {
    const letters = await readDeadLetters(kafka, dlt);
    const refused = letters.filter((letter) => letter.reason === 'Error: the read model refuses it');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ originalTopic: consumerTopic, attempts: 3, eventType: GoalActivatedV1.type });
    expect(letters.find((letter) => letter.key === 'poison')).toMatchObject({
      eventId: null,
      reason: 'message value is not JSON',
    });

    // The same consumer group, now with a handler that accepts the event.
    const consumer = new EventConsumer({
      kafka,
      dataSource,
      groupId: `probe-${tag}`,
      topics: [consumerTopic],
      deadLetters: new DeadLetterPublisher(producer, dlt, `probe-${tag}`),
      handlers: new Map([[GoalActivatedV1.type, [recordEffect]]]),
    });
    await consumer.start();
    try {
      expect(await replayDeadLetters(producer, refused)).toBe(1);
      await waitFor(
        async () =>
          (await dataSource.query(`SELECT 1 FROM effect WHERE event_id = $1`, [refused[0].eventId])).length === 1,
        { what: 'the replayed event to be applied' },
      );
    } finally {
      await consumer.stop();
    }
    expect(consumer.stats).toMatchObject({ processed: 1, dead_lettered: 0 });
  });

  it('dead-letters at once, without retries, what a handler declares unprocessable', async () => {
    const event = activation();
    let attempts = 0;
    const consumer = new EventConsumer({
      kafka,
      dataSource,
      groupId: `probe-unprocessable-${tag}`,
      topics: [unprocessableTopic],
      retryBackoffMs: 10,
      deadLetters: new DeadLetterPublisher(producer, dlt, `probe-unprocessable-${tag}`),
      handlers: new Map([
        [
          GoalActivatedV1.type,
          [
            async (incoming) => {
              if (incoming.id !== event.envelope.id) return;
              attempts++;
              throw new UnprocessableEventError('organisation does not match the goal');
            },
          ],
        ],
      ]),
    });
    await consumer.start();
    try {
      await producer.send({
        topic: unprocessableTopic,
        messages: [{ key: event.key, value: JSON.stringify(event.envelope) }],
      });
      await waitFor(() => consumer.stats.dead_lettered === 1, { what: 'the unprocessable event to be dead-lettered' });
    } finally {
      await consumer.stop();
    }
    expect(attempts).toBe(1);
  });

  it('starts a new consumer after a crash kafkajs does not restart, and carries on from the committed offset', async () => {
    const after = activation();
    const parked: string[] = [];
    let refusals = 0;
    const logged: Array<{ message: string; context?: Record<string, unknown> }> = [];
    const record = (message: string, context?: Record<string, unknown>) => void logged.push({ message, context });
    const consumer = new EventConsumer({
      kafka,
      dataSource,
      groupId: `probe-restart-${tag}`,
      topics: [restartTopic],
      logger: { debug: record, log: record, warn: record, error: record },
      deadLetters: {
        // The first letter is refused as the broker refuses a produce for good (kafkajs classes it as not retriable).
        publish: async (letter) => {
          if (refusals++ === 0)
            throw new KafkaJSProtocolError({
              name: 'KafkaJSProtocolError',
              message: 'The request included a message larger than the max message size the server will accept',
              type: 'MESSAGE_TOO_LARGE',
              code: 10,
              retriable: false,
            } as Error);
          parked.push(String(letter.message.key));
        },
      },
      handlers: new Map([[GoalActivatedV1.type, [recordEffect]]]),
    });
    await consumer.start();
    try {
      // One partition: the event waits behind the poison whose letter is refused.
      await producer.send({
        topic: restartTopic,
        messages: [
          { partition: 0, key: 'poison', value: 'not json' },
          { partition: 0, key: after.key, value: JSON.stringify(after.envelope) },
        ],
      });
      await waitFor(async () => (await effectsOf(after.envelope.id)) === 1, {
        timeoutMs: 30_000,
        what: 'the event behind the crash to be applied by the new consumer',
      });
    } finally {
      await consumer.stop();
    }
    const crash = logged.find((entry) => entry.message === 'consumer crashed');
    expect(crash?.context).toMatchObject({ restart: false, error: expect.stringContaining('max message size') });
    expect(logged.map((entry) => entry.message)).toContain('consumer restarting after a crash');
    expect(parked).toEqual(['poison']);
    expect(consumer.crashError).toBeNull();
    expect(consumer.stats).toMatchObject({ processed: 1, dead_lettered: 1 });
  });

  it('retries an event as long as the database fails it, instead of dead-lettering it', async () => {
    const event = activation();
    let attempts = 0;
    const consumer = new EventConsumer({
      kafka,
      dataSource,
      groupId: `probe-outage-${tag}`,
      topics: [outageTopic],
      retryBackoffMs: 10,
      maxAttempts: 3,
      deadLetters: new DeadLetterPublisher(producer, dlt, `probe-outage-${tag}`),
      handlers: new Map([
        [
          GoalActivatedV1.type,
          [
            async (incoming, tx) => {
              // Twice the attempts an event's own failure gets, PostgreSQL drops the connection mid-transaction.
              if (++attempts <= 6) await tx.query(`SELECT pg_terminate_backend(pg_backend_pid())`);
              await recordEffect(incoming, tx);
            },
          ],
        ],
      ]),
    });
    await consumer.start();
    try {
      await producer.send({
        topic: outageTopic,
        messages: [{ key: event.key, value: JSON.stringify(event.envelope) }],
      });
      await waitFor(async () => (await effectsOf(event.envelope.id)) === 1, {
        timeoutMs: 30_000,
        what: 'the event to be applied once the database stops failing it',
      });
    } finally {
      await consumer.stop();
    }
    expect(attempts).toBe(7);
    expect(consumer.stats).toMatchObject({ processed: 1, retried: 6, dead_lettered: 0 });
  });

  it('gives up, never dead-letters, an event still failing when the consumer stops; the next owner applies it', async () => {
    const event = activation();
    const group = `probe-stopping-${tag}`;
    let attempts = 0;
    let failing = true;
    const consumerOf = () =>
      new EventConsumer({
        kafka,
        dataSource,
        groupId: group,
        topics: [stoppingTopic],
        // A wait far beyond the test's: the stop has to cut it short.
        retryBackoffMs: 600_000,
        maxAttempts: 2,
        deadLetters: new DeadLetterPublisher(producer, dlt, group),
        handlers: new Map([
          [
            GoalActivatedV1.type,
            [
              async (incoming, tx) => {
                attempts++;
                // As when the stopping process's pool is closed under the batch.
                if (failing) throw new Error('Cannot use a pool after calling end on the pool');
                await recordEffect(incoming, tx);
              },
            ],
          ],
        ]),
      });
    const stopping = consumerOf();
    await stopping.start();
    await producer.send({
      topic: stoppingTopic,
      messages: [{ key: event.key, value: JSON.stringify(event.envelope) }],
    });
    await waitFor(() => attempts === 1, { what: 'the first failed attempt' });
    await stopping.stop();
    expect(stopping.stats).toMatchObject({ processed: 0, retried: 1, dead_lettered: 0 });

    failing = false;
    const next = consumerOf();
    await next.start();
    try {
      await waitFor(async () => (await effectsOf(event.envelope.id)) === 1, {
        what: 'the next owner to apply the event given up',
      });
    } finally {
      await next.stop();
    }
    expect(next.stats).toMatchObject({ processed: 1, dead_lettered: 0 });
    expect(collector.received.filter((entry) => entry.topic === dlt && entry.key === event.key)).toEqual([]);
  });

  it('applies queued events of one organisation in shared transactions (also when organisations interleave), runs deferred work once per transaction, and retries a failing one alone', async () => {
    const organisations = [randomUUID(), randomUUID()];
    // Five of one organisation, five of the other, three times over, then one that always fails and four more.
    const events = [
      ...Array.from({ length: 30 }, (_, index) => organisations[Math.floor(index / 5) % 2]),
      organisations[0],
      ...Array(4).fill(organisations[0]),
    ].map((organisation) =>
      createEvent(
        GoalActivatedV1,
        { ...GoalActivatedV1.example, goalId: randomUUID() },
        { source: '/test', orgId: organisation, correlationId: 'c-batch' },
      ),
    );
    const failing = events[30].envelope.id;
    let failingAttempts = 0;
    const perTransaction = new WeakMap<object, { organisations: Set<string>; events: number }>();
    const handler: EventHandlerFn = async (event, tx) => {
      if (event.id === failing) {
        failingAttempts++;
        throw new Error('this one never applies');
      }
      await recordEffect(event, tx);
      let together = perTransaction.get(tx);
      if (!together) {
        const created = { organisations: new Set<string>(), events: 0 };
        perTransaction.set(tx, (together = created));
        beforeCommit(
          tx,
          async () =>
            void (await tx.query(`INSERT INTO committed_together (organisations, events) VALUES ($1, $2)`, [
              [...created.organisations],
              created.events,
            ])),
        );
      }
      together.organisations.add(event.orgid);
      together.events++;
    };
    // All on one partition, sent before the consumer starts: they arrive as one fetch.
    await producer.send({
      topic: batchTopic,
      messages: events.map((event) => ({ key: 'one-partition', value: JSON.stringify(event.envelope) })),
    });
    const consumer = new EventConsumer({
      kafka,
      dataSource,
      groupId: `probe-batches-${tag}`,
      topics: [batchTopic],
      retryBackoffMs: 10,
      maxAttempts: 3,
      deadLetters: new DeadLetterPublisher(producer, dlt, `probe-batches-${tag}`),
      handlers: new Map([[GoalActivatedV1.type, [handler]]]),
    });
    await consumer.start();
    try {
      await waitFor(() => consumer.stats.processed + consumer.stats.dead_lettered === events.length, {
        what: 'every event to be applied or dead-lettered',
      });
    } finally {
      await consumer.stop();
    }
    const applied = await dataSource.query(`SELECT event_id FROM effect WHERE event_id = ANY($1)`, [
      events.map((event) => event.envelope.id),
    ]);
    expect(applied).toHaveLength(events.length - 1);
    expect(failingAttempts).toBe(3);
    expect(consumer.stats).toMatchObject({ processed: events.length - 1, dead_lettered: 1, retried: 2, duplicate: 0 });
    const transactions: Array<{ organisations: string[]; events: number }> = await dataSource.query(
      `SELECT organisations, events FROM committed_together WHERE organisations && $1::text[]`,
      [organisations],
    );
    // Deferred work ran once per transaction that committed, covering every applied event once.
    expect(transactions.reduce((sum, row) => sum + row.events, 0)).toBe(events.length - 1);
    // No transaction mixed organisations, and queued events did share transactions.
    for (const row of transactions) expect(row.organisations).toHaveLength(1);
    expect(transactions.length).toBeLessThan(events.length - 1);
    // An organisation's events shared a transaction across the other's in between (runs of five).
    expect(Math.max(...transactions.map((row) => row.events))).toBeGreaterThan(5);
  });

  it('publishes each event under its own key, with its organisation, in that organisation’s partition', async () => {
    const outbox = new Outbox(prefix);
    const organisations = [randomUUID(), randomUUID(), randomUUID()];
    const events = Array.from({ length: 24 }, (_, index) =>
      createEvent(
        GoalActivatedV1,
        { ...GoalActivatedV1.example, goalId: randomUUID() },
        { source: '/test', orgId: organisations[index % organisations.length], correlationId: 'c-placed' },
      ),
    );
    await dataSource.transaction((tx) => outbox.append(tx, events));
    const relay = new OutboxRelay(dataSource, producer, { pollIntervalMs: 50 });
    await relay.start();
    try {
      await waitFor(async () => (await relay.backlog()) === 0, { what: 'the outbox to drain' });
    } finally {
      await relay.stop();
    }
    const ids = new Set(events.map((event) => event.envelope.id));
    const seen = await waitFor(
      () => {
        const matching = collector.received.filter((entry) => ids.has(entry.event.id));
        return matching.length === events.length ? matching : undefined;
      },
      { what: 'every event published' },
    );
    const placedBy = Partitioners.DefaultPartitioner();
    for (const entry of seen) {
      expect(entry.key).toBe(entry.event.data.goalId);
      expect(entry.headers[ORGANISATION_HEADER]).toBe(entry.event.orgid);
      const partitionMetadata = Array.from({ length: 3 }, (_, partitionId) => ({ partitionId, leader: 0 }));
      expect(entry.partition).toBe(
        placedBy({ topic: goalsTopic, partitionMetadata, message: { key: entry.event.orgid, value: null } } as never),
      );
    }
  });

  it('publishes a backlog of one organisation larger than a record batch may be, in publishes that fit', async () => {
    const outbox = new Outbox(prefix);
    const organisation = randomUUID();
    // About 1.5 MB of one organisation's events, bound for one partition; the broker refuses a record batch over 1 MB.
    const events = Array.from({ length: 500 }, () => {
      const event = createEvent(
        GoalActivatedV1,
        { ...GoalActivatedV1.example, goalId: randomUUID() },
        { source: '/test', orgId: organisation, correlationId: 'c-large' },
      );
      return { ...event, envelope: { ...event.envelope, padding: 'x'.repeat(3_000) } };
    });
    await dataSource.transaction((tx) => outbox.append(tx, events));
    const relay = new OutboxRelay(dataSource, producer, { pollIntervalMs: 50 });
    await relay.start();
    try {
      await waitFor(async () => (await relay.backlog()) === 0, { what: 'the outbox to drain' });
      expect(relay.error).toBeNull();
    } finally {
      await relay.stop();
    }
    const ids = new Set(events.map((event) => event.envelope.id));
    await waitFor(() => collector.received.filter((entry) => ids.has(entry.event.id)).length === events.length, {
      what: 'every event published',
    });
  });

  it('with one owner per organisation, gives a member the same partitions of every topic and applies each organisation on one member, one batch at a time, in per-aggregate order, across a rebalance, once', async () => {
    const organisations = Array.from({ length: 6 }, () => randomUUID());
    const goals = Array.from({ length: 12 }, () => randomUUID());
    // Each goal (the aggregate, and the key) belongs to one organisation, which has a goal in each of the two topics; five events each.
    const eventsOf = (round: number) =>
      goals.map((goalId, index) =>
        createEvent(
          GoalActivatedV1,
          { ...GoalActivatedV1.example, goalId, activatedAt: new Date(Date.UTC(2026, 0, 1 + round)).toISOString() },
          { source: '/test', orgId: organisations[index % organisations.length], correlationId: `c-${round}` },
        ),
      );
    const rounds = Array.from({ length: 5 }, (_, round) => eventsOf(round));
    const topicOf = (goalIndex: number) =>
      ownedTopics[Math.floor(goalIndex / organisations.length) % ownedTopics.length];
    // Per organisation, how many of its transactions are open now, and the most ever open at once.
    const open = new Map<string, number>();
    let mostOpenAtOnce = 0;
    const assignments = new Map<string, Readonly<Record<string, number[]>>>();
    const member = (name: string) =>
      new EventConsumer({
        kafka,
        dataSource,
        groupId: ownerGroup,
        topics: ownedTopics,
        ownerPerOrganisation: true,
        deadLetters: new DeadLetterPublisher(producer, dlt, ownerGroup),
        onAssignment: (assignment) => assignments.set(name, assignment),
        handlers: new Map([
          [
            GoalActivatedV1.type,
            [
              async (event, tx) => {
                open.set(event.orgid, (open.get(event.orgid) ?? 0) + 1);
                mostOpenAtOnce = Math.max(mostOpenAtOnce, open.get(event.orgid)!);
                try {
                  // Holds the transaction open across a round trip, where another batch of the organisation could start.
                  await recordEffect(event, tx);
                } finally {
                  open.set(event.orgid, open.get(event.orgid)! - 1);
                }
              },
            ],
          ],
        ]),
      });
    const send = (events: ReturnType<typeof eventsOf>) =>
      Promise.all(
        ownedTopics.map((topic) =>
          producer.send({
            topic,
            messages: events
              .filter((_, index) => topicOf(index) === topic)
              .map((event) => eventMessage(event.key, JSON.stringify(event.envelope), event.envelope)),
          }),
        ),
      );
    const all = rounds.flat();
    const applied = async () =>
      Number(
        (
          await dataSource.query(`SELECT count(DISTINCT event_id)::int AS n FROM effect WHERE event_id = ANY($1)`, [
            all.map((event) => event.envelope.id),
          ])
        )[0].n,
      );
    const first = member('first');
    const second = member('second');
    await first.start();
    try {
      await send([...rounds[0], ...rounds[1]]);
      // A copy of an event already sent (a producer's retry upstream) and a message that is not an event.
      await send([rounds[0][0]]);
      await producer.send({ topic: ownedTopics[0], messages: [{ key: 'poison-owned', value: '{ not json' }] });
      await waitFor(async () => (await applied()) === 2 * goals.length, { what: 'the first two rounds' });
      // A second member joins: partitions move between them while the rest arrives.
      await second.start();
      for (const round of rounds.slice(2)) await send(round);
      await waitFor(async () => (await applied()) === all.length, { what: 'every event applied' });
      await waitFor(() => assignments.size === 2, { what: 'both members assigned' });
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    // Each member holds the same partition numbers of both topics, and the two hold all three between them.
    const held = [...assignments.values()].map((assignment) => {
      const [a, b] = ownedTopics.map((topic) => [...(assignment[topic] ?? [])].sort());
      expect(a).toEqual(b);
      return a;
    });
    expect(held.flat().sort()).toEqual([0, 1, 2]);
    expect(mostOpenAtOnce).toBe(1);
    const effects: Array<{ n: number }> = await dataSource.query(
      `SELECT count(*)::int AS n FROM effect WHERE event_id = ANY($1) GROUP BY event_id`,
      [all.map((event) => event.envelope.id)],
    );
    expect(effects.every((row) => row.n === 1)).toBe(true);
    // Where each event was applied from: the inbox records the topic, partition and offset.
    const inbox: Array<{ event_id: string; topic: string; kafka_partition: number; kafka_offset: string }> =
      await dataSource.query(
        `SELECT event_id, topic, kafka_partition, kafka_offset FROM inbox_event WHERE consumer = $1 ORDER BY kafka_offset::bigint`,
        [ownerGroup],
      );
    const byId = new Map(inbox.map((row) => [row.event_id, row]));
    for (const organisation of organisations) {
      const own = all.filter((event) => event.envelope.orgid === organisation);
      expect(new Set(own.map((event) => byId.get(event.envelope.id)!.kafka_partition)).size).toBe(1);
    }
    for (const goalId of goals) {
      const offsets = rounds.map((round) =>
        BigInt(byId.get(round.find((event) => event.key === goalId)!.envelope.id)!.kafka_offset),
      );
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    }
    const letters = await readDeadLetters(kafka, dlt);
    expect(letters.filter((letter) => letter.key === 'poison-owned')).toEqual([
      expect.objectContaining({ originalTopic: ownedTopics[0], reason: 'message value is not JSON' }),
    ]);
  });
});
