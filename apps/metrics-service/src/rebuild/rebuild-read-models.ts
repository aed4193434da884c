import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { Topics } from '@throughline/contracts';
import {
  createKafka,
  EventConsumer,
  eventHandlersOf,
  messagingConfigFromEnv,
  nestMessagingLogger,
} from '@throughline/messaging';
import { databaseEnv, dataSourceOptions, runMigrations, schemaName } from '@throughline/service-kit';
import { metricsDatabase } from '../database/metrics-database';
import { EVENTS_PER_TRANSACTION } from '../scoring/organisation-memory';
import { readSettings } from '../scoring/settings.repository';
import { ScoringEngine } from '../scoring/scoring-engine.service';
import { HeldBackOutbox } from './held-back-outbox';
import { RebuildModule } from './rebuild.module';

const SERVICE_NAME = 'metrics-service';
const CONSUMED_TOPICS = [Topics.Organisation, Topics.Goals, Topics.Tasks];
const MAX_ATTEMPTS = 5;
/**
 * Tables the topics do not rebuild, moved from the live schema into the rebuilt one at the switch:
 * settings are the directors' input, the outbox holds what is still to be published, the audit
 * log is history. (The inbox is rebuilt; every other table is a read model the replay fills.)
 */
const MOVED_TABLES = ['alignment_settings', 'alignment_settings_version', 'outbox_event', 'audit_entry'];
/** Events the rebuild may still be missing when the live consumer is paused: about a second of applying. */
const SWITCH_WHEN_MISSING_AT_MOST = 500;
const POLL_MS = 100;
/** Past this, the switch gives up (the live service resumes on its own schema) rather than hold its applying longer. */
const LONGEST_PAUSE_MS = 30_000;
/**
 * How far before the end of the topics (as they were at the start) the rebuild begins to hold back
 * what it would publish (see HeldBackOutbox): the live service is taken to have applied anything
 * older by the switch — it lags by far less than this while the replay runs.
 */
const HOLD_BACK_FROM_EVENTS_BEFORE_END = 5_000;

export interface RebuildOptions {
  /** Keep the replaced live schema (renamed `<schema>_replaced_<stamp>`) instead of dropping it, to compare or go back. */
  keepReplaced?: boolean;
  /** Progress lines (default: the Nest logger). */
  log?: (line: string) => void;
}

export interface RebuildReport {
  /** The rebuild's own consumer group (deleted when it is done). */
  consumerGroup: string;
  eventsApplied: number;
  duplicates: number;
  refused: number;
  /** From start to the live consumer's pause: the replay and the catch-up, with the service applying all along. */
  replayMs: number;
  /** How long the live service applied nothing (it answered reads throughout). */
  pausedMs: number;
  /** Score and alert events of events the rebuild applied before the live service did, published at the switch. */
  publishedAtSwitch: number;
  /** The replaced live schema, when kept. */
  replacedSchema?: string;
}

/**
 * Rebuilds every metrics read model from the topics while the live service keeps serving reads
 * and applying events (issue 15's online rebuild):
 *
 * 1. a fresh schema `<schema>_rebuild_<stamp>` gets the service's migrations and a copy of the settings;
 * 2. a consumer group of its own replays the topics from the beginning into it, writing its inbox
 *    rows in the live group's name and publishing nothing (the live service published all that);
 * 3. it catches up until the events the live service applied and it did not are few;
 * 4. the switch, one transaction on the live schema: `LOCK … IN SHARE MODE` on `inbox_event` and
 *    `org_state` waits for the live service's applying transactions to commit and holds the next
 *    ones at their first statement (every consumer transaction begins with its inbox insert, every
 *    time pass and settings change with the organisation's `org_state` row); reads take no lock
 *    that conflicts. The rebuild drains until its inbox holds every event of the live inbox (at
 *    most 30 s, else it gives up and the live service resumes as it was), stops, brings each
 *    organisation to the live day and the live settings, publishes what only it applied, moves
 *    the live outbox, audit log and settings across, and renames the schemas.
 * 5. the held transactions resume on the rebuilt schema (PostgreSQL looks their tables up again
 *    after the lock wait): events the rebuild applied are in the inbox and skipped, the rest apply.
 *    The live group's offsets are untouched: what it had applied the rebuild applied too, and
 *    what it reads next the inbox deduplicates — nothing lost, nothing applied twice.
 *
 * With the service stopped, the same steps run; the switch simply finds nobody to pause.
 */
export async function rebuildReadModels(
  env: NodeJS.ProcessEnv = process.env,
  options: RebuildOptions = {},
): Promise<RebuildReport> {
  const logger = new Logger('Rebuild');
  const log = options.log ?? ((line: string) => logger.log(line));
  const started = Date.now();
  const config = messagingConfigFromEnv(SERVICE_NAME, env);
  const dbSettings = databaseEnv(env);
  const live = schemaName(metricsDatabase, dbSettings);
  const stamp = new Date(started).toISOString().replace(/\D/g, '').slice(0, 14);
  const building = `${live.slice(0, 40)}_rebuild_${stamp}`;
  const replaced = `${live.slice(0, 40)}_replaced_${stamp}`;
  const liveGroup = config.consumerGroup ?? `${config.topicPrefix}${SERVICE_NAME}`;
  const consumerGroup = `${liveGroup}-rebuild-${stamp}`;
  const topics = CONSUMED_TOPICS.map((topic) => config.topicPrefix + topic);
  const kafka = createKafka({ ...config, clientId: `${SERVICE_NAME}-rebuild` }, nestMessagingLogger(logger));
  const admin = kafka.admin();
  await admin.connect();
  // The live schema's connection: the switch transaction, and what the rebuild compares with.
  const liveDb = new DataSource({
    ...dataSourceOptions(metricsDatabase, dbSettings),
    extra: { options: `-c search_path=${live}`, max: 3 },
  });
  await liveDb.initialize();
  const guard = liveDb.createQueryRunner();
  let ours = false;
  let switched = false;
  try {
    await refuseASecondRebuild(guard, live);
    // From here the fresh schema and the consumer group are this run's to clean up.
    ours = true;
    await runMigrations(metricsDatabase, { ...dbSettings, DB_SCHEMA: building });
    await sameMigrations(liveDb, live, building);
    await liveDb.query(`INSERT INTO "${building}".alignment_settings SELECT * FROM "${live}".alignment_settings`);
    const app = await NestFactory.createApplicationContext(RebuildModule.into(building, config.topicPrefix), {
      logger: ['error', 'warn'],
    });
    try {
      const rebuiltDb = app.get(DataSource);
      const outbox = app.get(HeldBackOutbox);
      // Before the ends are read: whatever the live service applied before this moment was published
      // before it, so it lies below the ends and the replay applies it; only later inbox rows need comparing.
      const [{ now: comparedSince }] = await liveDb.query(`SELECT now() AS now`);
      const endOffsets = await currentEnds(admin, topics);
      let failure: Error | null = null;
      let refused = 0;
      const consumer = new EventConsumer({
        kafka,
        dataSource: rebuiltDb,
        groupId: consumerGroup,
        inboxConsumer: liveGroup,
        topics,
        handlers: eventHandlersOf(app),
        maxAttempts: MAX_ATTEMPTS,
        maxEventsPerTransaction: EVENTS_PER_TRANSACTION,
        // As the live group: an organisation's events on one member, one batch at a time, so its memory stays valid.
        ownerPerOrganisation: true,
        logger: nestMessagingLogger(logger),
        // Nothing is dead-lettered twice: what the service refused then is counted and passed over; what fails every attempt stops the rebuild.
        deadLetters: {
          publish: async (letter) => {
            if (letter.attempts >= MAX_ATTEMPTS)
              failure ??= new Error(
                `event at ${letter.originalTopic}/${letter.partition}@${letter.offset} failed ${letter.attempts} times: ${letter.reason}`,
              );
            else refused++;
          },
        },
      });
      const until = async (done: () => Promise<boolean> | boolean, limitMs = Infinity) => {
        for (const deadline = Date.now() + limitMs; ;) {
          if (failure) throw failure;
          if (await done()) return;
          if (Date.now() > deadline)
            throw new Error(
              `the rebuild did not apply within ${limitMs} ms every event the live service has applied (refused by this version?); the live schema is left as it was`,
            );
          await sleep(POLL_MS);
        }
      };
      const missing = (tx: EntityManager | DataSource) =>
        eventsOnlyLiveApplied(tx, live, building, liveGroup, comparedSince);
      let consuming = true;
      await consumer.start();
      try {
        const behind = () =>
          Object.entries(endOffsets).reduce(
            (sum, [key, high]) =>
              sum + Math.max(0, Number(BigInt(high) - 1n - (consumer.resolvedOffset(...topicPartition(key)) ?? -1n))),
            0,
          );
        await until(() => behind() <= HOLD_BACK_FROM_EVENTS_BEFORE_END);
        outbox.holdFromNowOn();
        await until(() => behind() === 0);
        log(`replayed up to where the topics ended at the start (${consumer.stats.processed} events); catching up`);
        await until(async () => (await missing(rebuiltDb)) <= SWITCH_WHEN_MISSING_AT_MOST);
        const replayMs = Date.now() - started;
        let pausedAt = 0;
        let publishedAtSwitch = 0;
        await liveDb.transaction(async (tx) => {
          await tx.query(`LOCK TABLE "${live}".inbox_event, "${live}".org_state IN SHARE MODE`);
          pausedAt = Date.now();
          await until(async () => (await missing(tx)) === 0, LONGEST_PAUSE_MS);
          await consumer.stop();
          consuming = false;
          if (failure) throw failure;
          await matchLiveDayAndSettings(tx, rebuiltDb, app.get(ScoringEngine), live, building);
          publishedAtSwitch = await publishWhatOnlyTheRebuildApplied(tx, outbox, live, building, liveGroup);
          await tx.query(
            `INSERT INTO "${building}".inbox_event SELECT * FROM "${live}".inbox_event WHERE consumer <> $1 ON CONFLICT DO NOTHING`,
            [liveGroup],
          );
          for (const table of MOVED_TABLES) {
            await tx.query(`DROP TABLE "${building}".${table}`);
            await tx.query(`ALTER TABLE "${live}".${table} SET SCHEMA "${building}"`);
          }
          await tx.query(`ALTER SCHEMA "${live}" RENAME TO "${replaced}"`);
          await tx.query(`ALTER SCHEMA "${building}" RENAME TO "${live}"`);
        });
        switched = true;
        const pausedMs = Date.now() - pausedAt;
        log(`switched: the live service paused applying for ${pausedMs} ms`);
        if (!options.keepReplaced) await liveDb.query(`DROP SCHEMA "${replaced}" CASCADE`);
        return {
          consumerGroup,
          eventsApplied: consumer.stats.processed,
          duplicates: consumer.stats.duplicate,
          refused: refused + consumer.stats.skipped,
          replayMs,
          pausedMs,
          publishedAtSwitch,
          replacedSchema: options.keepReplaced ? replaced : undefined,
        };
      } finally {
        if (consuming) await consumer.stop();
      }
    } finally {
      await app.close();
    }
  } finally {
    if (ours && !switched) await liveDb.query(`DROP SCHEMA IF EXISTS "${building}" CASCADE`).catch(() => undefined);
    if (ours) await admin.deleteGroups([consumerGroup]).catch(() => undefined);
    await guard.release();
    // Closing the connections ends the guard's session, and its lock.
    await liveDb.destroy();
    await admin.disconnect();
  }
}

/** One rebuild of a schema at a time (say, a Job created twice): a session lock, held until the rebuild's connections close. */
async function refuseASecondRebuild(session: QueryRunner, live: string): Promise<void> {
  const [{ held }] = await session.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS held`, [
    `throughline metrics rebuild ${live}`,
  ]);
  if (!held) throw new Error(`Another rebuild of the schema ${live} is running.`);
}

/** The rebuilt schema must have the live one's migrations: a service running older code is upgraded first. */
async function sameMigrations(db: DataSource, live: string, building: string): Promise<void> {
  const names = async (schema: string) =>
    (await db.query(`SELECT name FROM "${schema}".typeorm_migrations ORDER BY name`)).map(
      (row: { name: string }) => row.name,
    );
  const [liveNames, rebuiltNames] = [await names(live), await names(building)];
  if (liveNames.join() !== rebuiltNames.join())
    throw new Error(
      `The live schema ${live} has migrations [${liveNames.join(', ')}], this rebuild [${rebuiltNames.join(', ')}]: run the same version.`,
    );
}

/** Where each partition of the topics ends now (`topic/partition` → high watermark), empty partitions left out. */
async function currentEnds(admin: ReturnType<ReturnType<typeof createKafka>['admin']>, topics: string[]) {
  const ends: Record<string, string> = {};
  for (const topic of topics)
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic))
      if (high !== low) ends[`${topic}/${partition}`] = high;
  return ends;
}

function topicPartition(key: string): [string, number] {
  const at = key.lastIndexOf('/');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

/**
 * Events the live service applied since `since` that the rebuild has not: the rebuild may switch
 * when there are none. (Comparing whole inboxes took 2.4 s of the pause at 100,000 events.)
 */
async function eventsOnlyLiveApplied(
  db: EntityManager | DataSource,
  live: string,
  building: string,
  consumer: string,
  since: Date,
): Promise<number> {
  const [row] = await db.query(
    `SELECT count(*)::int AS missing FROM "${live}".inbox_event l
     WHERE l.consumer = $1 AND l.processed_at >= $2
       AND NOT EXISTS (SELECT 1 FROM "${building}".inbox_event b WHERE b.consumer = $1 AND b.event_id = l.event_id)`,
    [consumer, since],
  );
  return row.missing;
}

/**
 * With the live service paused: each organisation's day moved to the live one (the live time
 * pass may have moved it since the last event), and an organisation whose directors changed its
 * settings during the rebuild rescored with them, as the live service did. Both were published
 * live, so nothing here is (no transaction of the consumer's: nothing held back is released).
 */
async function matchLiveDayAndSettings(
  liveTx: EntityManager,
  rebuiltDb: DataSource,
  engine: ScoringEngine,
  live: string,
  building: string,
): Promise<void> {
  const days: Array<{ org_id: string; as_of: string }> = await liveTx.query(
    `SELECT org_id, to_char(as_of, 'YYYY-MM-DD') AS as_of FROM "${live}".org_state ORDER BY org_id`,
  );
  const changed: Array<{ org_id: string }> = await liveTx.query(
    `SELECT l.org_id FROM "${live}".alignment_settings l LEFT JOIN "${building}".alignment_settings b USING (org_id)
     WHERE b.version IS DISTINCT FROM l.version ORDER BY l.org_id`,
  );
  const rescore = new Set(changed.map((row) => row.org_id));
  for (const { org_id: orgId, as_of: day } of days)
    await rebuiltDb.transaction(async (tx) => {
      const context = { orgId, correlationId: `rebuild:${day}` };
      const run = await engine.begin(tx, orgId, new Date(`${day}T00:00:00.000Z`), context);
      if (rescore.has(orgId)) {
        await tx.query(
          `INSERT INTO alignment_settings SELECT * FROM "${live}".alignment_settings WHERE org_id = $1
           ON CONFLICT (org_id) DO UPDATE SET settings = EXCLUDED.settings, version = EXCLUDED.version, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
          [orgId],
        );
        run.memory.settings = await readSettings(tx, orgId);
        await engine.rescoreAll(run);
      }
      await engine.finish(run);
    });
}

/** Releases, into the live outbox (the switch's transaction), what was caused by events the live service never applied. */
async function publishWhatOnlyTheRebuildApplied(
  liveTx: EntityManager,
  outbox: HeldBackOutbox,
  live: string,
  building: string,
  consumer: string,
): Promise<number> {
  const causes = outbox.causes();
  const ids = async (schema: string) =>
    new Set<string>(
      (
        await liveTx.query(`SELECT event_id FROM "${schema}".inbox_event WHERE consumer = $1 AND event_id = ANY($2)`, [
          consumer,
          causes,
        ])
      ).map((row: { event_id: string }) => row.event_id),
    );
  const liveApplied = await ids(live);
  return outbox.release(liveTx, await ids(building), new Set(causes.filter((id) => !liveApplied.has(id))));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
