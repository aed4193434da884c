import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Client } from 'pg';
import {
  createEvent,
  deadLetterTopic,
  GoalActivatedV1,
  OrganisationCreatedV1,
  PersonCreatedV1,
  TaskProgressReportedV1,
  TaskStatusChangedV1,
  Topics,
  DeliverableChangedV1,
} from '@throughline/contracts';
import { freePort, KafkaBroker, startKafkaBroker } from '@throughline/local-infra';
import { consumerLag, eventMessage, organisationPartitioner, readDeadLetters } from '@throughline/messaging';
import { Actor, runMigrations as migrate } from '@throughline/service-kit';
import {
  apiAs,
  ApiClient,
  buildServices,
  dropSchema,
  ServiceProcess,
  testDatabaseUrl,
  uniqueTag,
  waitFor,
  withEnv,
} from '@throughline/testing';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';

/**
 * 5,000 task updates (50 tasks, progress 1 to 100 each) through the real services (as processes) while the broker
 * restarts, a consumer and the outbox relay are SIGKILLed at their worst moments, events are
 * delivered twice, poison and unknown aggregates are injected, and one of two metrics
 * instances dies. Afterwards every accepted update is reflected exactly once, metrics equal a
 * clean replay, every poison message sits in the dead-letter topics, and nobody intervened.
 */
const TASKS = 50;
const UPDATES_PER_TASK = 100;
const WORKERS = 8;

describe('delivery guarantees under faults', () => {
  const tag = uniqueTag();
  const prefix = `f${tag}.`;
  const orgId = randomUUID();
  const directorId = randomUUID();
  const managers = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const goalId = randomUUID();
  const schemas = { execution: `f_${tag}_execution`, metrics: `f_${tag}_metrics`, clean: `f_${tag}_metrics_clean` };
  let broker: KafkaBroker;
  let kafka: Kafka;
  let producer: Producer;
  const processes: ServiceProcess[] = [];
  const figures: Record<string, number> = {};

  const topic = (name: string) => prefix + name;
  const baseEnv = () => ({
    DATABASE_URL: testDatabaseUrl(),
    KAFKA_BROKERS: broker.brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '3',
    THROUGHLINE_DEV_AUTH: 'true',
    NODE_ENV: 'test',
    RATE_LIMIT_PER_MINUTE: '1000000',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });

  async function startService(
    service: string,
    schema: string,
    options: { untilKilledEnv?: Record<string, string>; restartOnExit?: boolean; env?: Record<string, string> } = {},
  ): Promise<ServiceProcess> {
    const instance = new ServiceProcess({
      service,
      port: await freePort(),
      env: { ...baseEnv(), DB_SCHEMA: schema, ...options.env },
      restartOnExit: options.restartOnExit ?? true,
      untilKilledEnv: options.untilKilledEnv,
    });
    instance.start();
    processes.push(instance);
    return instance;
  }

  async function publish(definition: Parameters<typeof createEvent>[0], data: unknown): Promise<void> {
    const event = createEvent(definition, data as never, {
      source: '/throughline/strategy-service',
      orgId,
      correlationId: `faults-${tag}`,
      actorId: directorId,
    });
    await producer.send({
      topic: topic(definition.topic),
      messages: [eventMessage(event.key, JSON.stringify(event.envelope), event.envelope)],
    });
  }

  beforeAll(async () => {
    broker = await startKafkaBroker({ dataDir: mkdtempSync(join(tmpdir(), 'throughline-faults-')) });
    kafka = new Kafka({
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    producer = kafka.producer({ createPartitioner: organisationPartitioner });
    await producer.connect();
    buildServices();
    for (const [database, schema] of [
      [executionDatabase, schemas.execution],
      [metricsDatabase, schemas.metrics],
    ] as const) {
      await withEnv({ DATABASE_URL: testDatabaseUrl(), DB_SCHEMA: schema }, () => migrate(database));
    }
  }, 180_000);

  afterAll(async () => {
    try {
      // At once: each may take its 20 s shutdown deadline, and the broker must be stopped within this hook's time.
      await Promise.allSettled(processes.map((instance) => instance.stop()));
      await producer?.disconnect().catch(() => undefined);
    } finally {
      await broker?.stop();
    }
    for (const schema of Object.values(schemas)) await dropSchema(schema);
    console.log(`fault-injection figures: ${JSON.stringify(figures)}`);
  }, 120_000);

  it('reflects every accepted update exactly once, equals a clean replay, and dead-letters all poison', async () => {
    // Execution's relay dies after its 20th published batch (before marking it); metrics instance A
    // dies after its 300th commit (before the offset commit). The orchestrator restarts both.
    const execution = await startService('execution-service', schemas.execution, {
      untilKilledEnv: { THROUGHLINE_FAULTS: 'relay-kill-after-publish=20' },
    });
    const metricsA = await startService('metrics-service', schemas.metrics, {
      untilKilledEnv: { THROUGHLINE_FAULTS: 'consumer-kill-after-commit=300' },
    });
    const metricsB = await startService('metrics-service', schemas.metrics, { restartOnExit: false });
    await Promise.all([execution.waitReady(), metricsA.waitReady(), metricsB.waitReady()]);

    // The organisation and a goal with one deliverable per task, as strategy would publish them.
    await publish(OrganisationCreatedV1, {
      organisationId: orgId,
      name: 'Faulty Devices',
      createdAt: new Date().toISOString(),
    });
    for (const [index, personId] of [directorId, ...managers].entries()) {
      await publish(PersonCreatedV1, {
        personId,
        name: `Person ${index}`,
        email: `p${index}@example.com`,
        role: index === 0 ? 'director' : 'manager',
        orgUnitId: null,
        reportsToId: index === 0 ? null : directorId,
        active: true,
        version: 1,
      });
    }
    const deliverables = Array.from({ length: TASKS }, (_, index) => ({
      deliverableId: randomUUID(),
      title: `Work package ${index}`,
      managerId: managers[index % managers.length],
      dueDate: '2027-06-30',
      weight: 1 + (index % 3),
      budgetMinor: 10_000,
    }));
    await publish(GoalActivatedV1, {
      goalId,
      parentGoalId: null,
      orgUnitId: randomUUID(),
      ownerId: directorId,
      title: 'Survive the faults',
      periodStart: '2026-01-01',
      periodEnd: '2027-12-31',
      weight: 1,
      currency: 'EUR',
      budgetMinor: TASKS * 10_000,
      deliverables,
      activatedAt: new Date().toISOString(),
    });

    const director = await apiAs(execution.url, { personId: directorId, orgId, role: 'director' });
    const tasks = await waitFor(
      async () => {
        const response = await director.get(`/v1/tasks?goalId=${goalId}&limit=200`);
        return response.body?.items?.length === TASKS
          ? (response.body.items as Array<{ id: string; managerId: string; version: number }>)
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the tasks of the goal' },
    );
    const clients = new Map<string, ApiClient>();
    for (const managerId of managers)
      clients.set(managerId, await apiAs(execution.url, { personId: managerId, orgId, role: 'manager' } as Actor));

    // The load: every task's progress goes 1, 2, …, UPDATES_PER_TASK; updates of one task are sequential.
    const accepted = new Map<string, number[]>();
    let sent = 0;
    let retriesAfterConnectionLoss = 0;
    const milestones: Array<{ at: number; run: () => Promise<void> }> = [
      { at: 1000, run: () => restartBroker() },
      { at: 1500, run: async () => metricsB.kill() },
      { at: 2000, run: () => injectPoisonAndUnknowns() },
      { at: 2500, run: async () => metricsA.terminate() },
    ];
    let brokerBackAt = 0;
    async function restartBroker(): Promise<void> {
      const { port, controllerPort, dataDir } = broker;
      await broker.stop();
      const stoppedAt = Date.now();
      // The messaging health reflects the broker: it goes red while Kafka is away, while readiness
      // stays green (writes need only PostgreSQL; their events wait in the outbox)…
      const down = await waitFor(
        async () => {
          const health = await fetch(`${execution.url}/health/kafka`);
          return health.status === 503 && ((await health.json()) as { detail: string });
        },
        { timeoutMs: 30_000, what: 'the messaging health to report the broker down' },
      );
      // It says what is down, for whoever is paged.
      expect(down.detail).toMatch(/^Unhealthy: kafka: /);
      const readiness = await fetch(`${execution.url}/health/ready`);
      expect(readiness.status).toBe(200);
      expect(((await readiness.json()) as { info: { kafka: { degraded: boolean } } }).info.kafka.degraded).toBe(true);
      figures.kafkaHealthDownWhileBrokerAway = 1;
      broker = await startKafkaBroker({ port, controllerPort, dataDir });
      brokerBackAt = Date.now();
      figures.secondsBrokerDown = Math.round((brokerBackAt - stoppedAt) / 100) / 10;
      // …and green again by itself (it checks the broker, the relay and the consumer).
      await Promise.all(
        [execution, metricsA].map((instance) =>
          waitFor(
            async () => {
              const health = await fetch(`${instance.url}/health/kafka`);
              if (!health.ok) throw new Error(`${health.status} ${await health.text()}`);
              return true;
            },
            // Generous: on a busy 2-core CI machine an instance the faults restarted may still be starting.
            { timeoutMs: 180_000, what: `the messaging health of ${instance.name} to recover` },
          ).catch((error: Error) => {
            throw new Error(
              `${error.message}\n${instance.name}'s last output (its health answers left out):\n${withoutHealth(instance.output).slice(-6000)}`,
            );
          }),
        ),
      );
      figures.secondsToRecoverAfterBrokerRestart = Math.round((Date.now() - brokerBackAt) / 100) / 10;
    }
    const poison: string[] = [];
    async function injectPoisonAndUnknowns(): Promise<void> {
      for (const [index, target] of [Topics.Tasks, Topics.Goals, Topics.Tasks].entries()) {
        const key = `poison-${index}`;
        poison.push(key);
        await producer.send({
          topic: topic(target),
          messages: [{ key, value: index === 1 ? '{"specversion":"1.0","oops":true}' : `not json ${index}` }],
        });
      }
      await publish(TaskStatusChangedV1, {
        taskId: randomUUID(),
        goalId: randomUUID(),
        managerId: managers[0],
        from: 'todo',
        to: 'in_progress',
        reason: null,
        progress: 0,
        changedBy: managers[0],
        changedAt: new Date().toISOString(),
        taskVersion: 2,
      });
      await publish(DeliverableChangedV1, {
        goalId: randomUUID(),
        goalStatus: 'active',
        currency: 'EUR',
        deliverable: { ...deliverables[0], deliverableId: randomUUID() },
      });
    }

    async function updateTask(task: { id: string; managerId: string; version: number }): Promise<void> {
      const api = clients.get(task.managerId)!;
      let version = task.version;
      for (let progress = 1; progress <= UPDATES_PER_TASK; progress++) {
        const due = milestones.find((milestone) => sent >= milestone.at);
        if (due) {
          milestones.splice(milestones.indexOf(due), 1);
          await due.run();
        }
        sent++;
        for (;;) {
          try {
            const response = await api.post(
              `/v1/tasks/${task.id}/progress`,
              { progress },
              { 'if-match': `"${version}"` },
            );
            if (response.status === 200) {
              version = response.body.version;
              accepted.set(task.id, [...(accepted.get(task.id) ?? []), progress]);
              break;
            }
            if (response.status === 412 || response.status >= 500) {
              // The previous attempt may have committed before the process died: read and decide.
              const current = await api.get(`/v1/tasks/${task.id}`);
              if (
                current.status === 200 &&
                current.body.version === version + 1 &&
                current.body.progress === progress
              ) {
                version = current.body.version;
                accepted.set(task.id, [...(accepted.get(task.id) ?? []), progress]);
                break;
              }
              if (current.status === 200) version = current.body.version;
              continue;
            }
            throw new Error(`unexpected ${response.status}: ${JSON.stringify(response.body)}`);
          } catch (error) {
            if (!String(error).includes('fetch failed')) throw error;
            retriesAfterConnectionLoss++;
            await execution.waitReady(90_000).catch(() => undefined);
            const current = await api.get(`/v1/tasks/${task.id}`).catch(() => undefined);
            if (current?.status === 200 && current.body.version === version + 1 && current.body.progress === progress) {
              version = current.body.version;
              accepted.set(task.id, [...(accepted.get(task.id) ?? []), progress]);
              break;
            }
            if (current?.status === 200) version = current.body.version;
          }
        }
      }
    }
    const queue = [...tasks];
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        for (let task = queue.shift(); task; task = queue.shift()) await updateTask(task);
      }),
    );
    figures.updatesSent = sent;
    figures.updatesAccepted = [...accepted.values()].reduce((sum, values) => sum + values.length, 0);
    figures.clientRetriesAfterConnectionLoss = retriesAfterConnectionLoss;

    // The same events delivered twice: the first 1,000 task events again, unchanged.
    const replayed = await copyFirstMessages(topic(Topics.Tasks), 1000);
    figures.eventsDeliveredTwice = replayed;

    // Converged: execution's outbox drained, metrics caught up with everything.
    const admin = kafka.admin();
    await admin.connect();
    const pg = new Client({ connectionString: testDatabaseUrl() });
    await pg.connect();
    try {
      let convergence = 'not yet probed';
      await waitFor(
        async () => {
          const [row] = (
            await pg.query(
              `SELECT count(*)::int AS n FROM "${schemas.execution}".outbox_event WHERE published_at IS NULL`,
            )
          ).rows;
          convergence = `execution's outbox holds ${row.n} unpublished event(s)`;
          if (row.n > 0) return false;
          const lag = await consumerLag(admin, `${prefix}metrics-service`, [
            topic(Topics.Goals),
            topic(Topics.Tasks),
            topic(Topics.Organisation),
          ]);
          convergence = `metrics lags on ${JSON.stringify(lag.filter((partition) => partition.lag !== 0))}`;
          return lag.every((partition) => partition.lag === 0);
        },
        { timeoutMs: 180_000, intervalMs: 250, what: 'execution outbox drained and metrics lag zero' },
      ).catch((error: Error) => {
        throw new Error(
          `${error.message}: ${convergence}\nmetrics A's last output (its health answers left out):\n${withoutHealth(metricsA.output).slice(-6000)}`,
        );
      });
      figures.secondsFromBrokerBackToAllConsumed = Math.round((Date.now() - brokerBackAt) / 100) / 10;

      // Exactly once in execution: one progress history line per accepted update, final values right.
      const history = (
        await pg.query(
          `SELECT task_id, count(*)::int AS n FROM "${schemas.execution}".task_history WHERE change = 'progress' GROUP BY task_id`,
        )
      ).rows;
      const finals = (
        await pg.query(`SELECT id, progress FROM "${schemas.execution}".task WHERE goal_id = $1`, [goalId])
      ).rows;
      for (const task of tasks) {
        const values = accepted.get(task.id) ?? [];
        expect(history.find((row) => row.task_id === task.id)?.n).toBe(values.length);
        expect(finals.find((row) => row.id === task.id)?.progress).toBe(values[values.length - 1]);
      }

      // Exactly once in metrics: each accepted update's event applied once, final progress right.
      const applied = (
        await pg.query(`SELECT count(*)::int AS n FROM "${schemas.metrics}".inbox_event WHERE event_type = $1`, [
          TaskProgressReportedV1.type,
        ])
      ).rows[0].n;
      figures.updatesReflectedInMetrics = applied;
      expect(applied).toBe(figures.updatesAccepted);
      const metricsTasks = (
        await pg.query(`SELECT task_id, progress FROM "${schemas.metrics}".task_rm WHERE goal_id = $1`, [goalId])
      ).rows;
      for (const task of tasks)
        expect(metricsTasks.find((row) => row.task_id === task.id)?.progress).toBe(
          (accepted.get(task.id) ?? []).at(-1),
        );

      // Poison: every malformed message is in the dead-letter topic of each group that reads its topic.
      const executionLetters = await readDeadLetters(kafka, topic(deadLetterTopic('execution-service')));
      const metricsLetters = await readDeadLetters(kafka, topic(deadLetterTopic('metrics-service')));
      figures.deadLettersExecution = executionLetters.length;
      figures.deadLettersMetrics = metricsLetters.length;
      // Dead-lettering is at least once too: a consumer killed after parking a letter and before its
      // offset commit parks it again. Every poison message is there; nothing else is.
      expect([...new Set(metricsLetters.map((letter) => letter.key))].sort()).toEqual([...poison].sort());
      expect([...new Set(executionLetters.map((letter) => letter.key))]).toEqual(['poison-1']);
      for (const letter of [...executionLetters, ...metricsLetters])
        expect(letter.reason).toMatch(/not JSON|invalid CloudEvents envelope/);

      // Nobody intervened: the faults struck, the orchestrator restarted, nothing else.
      figures.executionRestarts = execution.restarts;
      figures.metricsRestarts = metricsA.restarts;
      // The rolling restart of metrics A shut down through its hooks (Nest re-raises SIGTERM once closed).
      const graceful = (exit: (typeof metricsA.exits)[number]) => exit.signal === 'SIGTERM' || exit.code === 0;
      expect(metricsA.exits.filter(graceful)).toHaveLength(1);
      // Other exits (a start-up that gave up) are restarted too; they are reported, with their last words.
      const otherExits = [...execution.exits, ...metricsA.exits].filter(
        (exit) => exit.signal !== 'SIGKILL' && !graceful(exit),
      );
      figures.otherExits = otherExits.length;
      for (const exit of otherExits) console.log(`exit ${exit.code}:\n${exit.lastOutput}`);
      expect(execution.exits.filter((exit) => exit.signal === 'SIGKILL')).toHaveLength(1);
      expect(metricsA.exits.filter((exit) => exit.signal === 'SIGKILL')).toHaveLength(1);

      // A clean run of the same events (a fresh metrics replaying every topic) scores identically.
      await withEnv({ DATABASE_URL: testDatabaseUrl(), DB_SCHEMA: schemas.clean }, () => migrate(metricsDatabase));
      const clean = await startService('metrics-service', schemas.clean, {
        restartOnExit: false,
        env: { KAFKA_CONSUMER_GROUP: `${prefix}metrics-clean` },
      });
      await clean.waitReady();
      await waitFor(
        async () =>
          (
            await consumerLag(admin, `${prefix}metrics-clean`, [
              topic(Topics.Goals),
              topic(Topics.Tasks),
              topic(Topics.Organisation),
            ])
          ).every((partition) => partition.lag === 0),
        { timeoutMs: 120_000, what: 'the clean replay to catch up' },
      );
      const scores = async (schema: string) =>
        (
          await pg.query(
            `SELECT scope, scope_id, score, band FROM "${schema}".alignment_score ORDER BY scope, scope_id`,
          )
        ).rows;
      const faulty = await scores(schemas.metrics);
      expect(faulty.length).toBeGreaterThan(0);
      expect(await scores(schemas.clean)).toEqual(faulty);
      figures.scoresCompared = faulty.length;
    } finally {
      await pg.end();
      await admin.disconnect();
    }
  }, 600_000);

  async function copyFirstMessages(from: string, count: number): Promise<number> {
    const consumer = kafka.consumer({ groupId: `copier-${tag}` });
    await consumer.connect();
    await consumer.subscribe({ topic: from, fromBeginning: true });
    const copies: Array<{ key: Buffer | null; value: Buffer | null }> = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (copies.length < count) copies.push({ key: message.key, value: message.value });
          if (copies.length === count) resolve();
        },
      });
    });
    await consumer.disconnect();
    await producer.send({ topic: from, messages: copies });
    return copies.length;
  }
});

/** A service's output without the lines of its health answers, which a waiting test polls many times a second. */
function withoutHealth(output: string[]): string {
  return output
    .join('')
    .split('\n')
    .filter((line) => !line.includes('/health/'))
    .join('\n');
}
