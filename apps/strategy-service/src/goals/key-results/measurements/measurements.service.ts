import { BadRequestException, Injectable, PayloadTooLargeException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { KeyResultCheckedInV1 } from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { envSlice } from '@throughline/config';
import {
  Actor,
  byteSize,
  conflict,
  FieldProblem,
  forbidden,
  httpEnvSchema,
  invalid,
  notFound,
  page,
  Page,
  PageQueryDto,
} from '@throughline/service-kit';
import { AccessPolicy } from '../../../access/access-policy';
import { IdempotencyKeys } from '../../../idempotency/idempotency-keys';
import { StoredResponse } from '../../../idempotency/idempotency-key.rules';
import { requireGoal } from '../../goal-locks';
import { KeyResult } from '../key-result.entity';
import { MeasurementBatchView, MeasurementView, PushMeasurementDto } from './dto/measurement.dto';
import { KeyResultMeasurement } from './measurement.entity';
import {
  checkAgainstKeyResult,
  checkInNote,
  checkMeasurement,
  MeasuredKeyResult,
  Measurement,
  MEASUREMENT_CHUNK_ROWS,
  MEASUREMENT_ID_RANDOM_BYTES,
  measurementId,
} from './measurement.rules';
import { MEASUREMENT_UPLOAD_TYPES, UploadFormat, UploadMeter, uploadRows } from './measurement-uploads';

/** An answer to send, and whether it is the stored first answer of its Idempotency-Key. */
export interface Answer<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** Row problems listed in a refusal; the count says how many more there were. */
const MAX_REPORTED_PROBLEMS = 1000;
const BULK_PATH = '/v1/key-result-measurements';

const KEY_RESULTS_OF_GOALS = `
  SELECT k.id, k.goal_id AS "goalId", g.status AS "goalStatus", g.period_start::text AS "periodStart"
  FROM key_result k JOIN goal g ON g.id = k.goal_id
  WHERE k.org_id = $1 AND k.id = ANY($2::uuid[])`;

type Recordable = Measurement & { goalId: string };

/**
 * Measurements pushed by other systems. Each becomes a row here and the same check-in event
 * a manager's check-in publishes (KeyResultCheckedInV1), so metrics scores it unchanged. A bulk
 * upload is applied all or nothing: one refused row refuses the request and records nothing.
 */
@Injectable()
export class MeasurementsService {
  private readonly uploadLimit: string;
  private readonly maxRows: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
    private readonly access: AccessPolicy,
    private readonly idempotency: IdempotencyKeys,
    config: ConfigService,
  ) {
    const http = envSlice(httpEnvSchema, config);
    this.uploadLimit = http.SPREADSHEET_UPLOAD_LIMIT;
    this.maxRows = http.IMPORT_MAX_ROWS;
  }

  async pushOne(
    actor: Actor,
    goalId: string,
    keyResultId: string,
    input: PushMeasurementDto,
    key: string | undefined,
    correlationId: string,
  ): Promise<Answer<MeasurementView>> {
    return this.dataSource.transaction(async (tx) => {
      const [keyResult]: MeasuredKeyResult[] = await tx.query(KEY_RESULTS_OF_GOALS, [actor.orgId, [keyResultId]]);
      if (!keyResult || keyResult.goalId !== goalId) throw notFound('Key result', keyResultId);
      assertIntegrator(actor);
      const fingerprint = sha256(`POST /v1/goals/${goalId}/key-results/${keyResultId}/measurements\n`, input);
      const remembered = key ? await this.idempotency.claim(tx, actor, key) : undefined;
      if (remembered) return replayed<MeasurementView>(this.idempotency.replay(remembered, fingerprint, key!));
      const checked = checkMeasurement({ keyResultId, ...input }, new Date());
      if (!checked.ok) throw invalid('The measurement was refused: see errors.', checked.problems);
      if (keyResult.goalStatus !== 'active')
        throw conflict(`Goal ${goalId} is ${keyResult.goalStatus}; measurements are taken only while it is active.`);
      const problems = checkAgainstKeyResult(checked.value, keyResult);
      if (problems.length) throw invalid('The measurement was refused: see errors.', problems);
      const measurement = { ...checked.value, goalId };
      const { ids, recordedAt } = await this.record(tx, actor, [measurement], correlationId);
      const view = measurementView({
        ...measurement,
        id: ids[0],
        orgId: actor.orgId,
        recordedBy: actor.personId,
        recordedAt,
      });
      const answer = { status: 201, body: view };
      if (key) await this.idempotency.remember(tx, actor, key, fingerprint, answer);
      return { ...answer, replayed: false };
    });
  }

  /**
   * Reads the upload row by row in one transaction, writing each chunk of good rows as it goes;
   * any refused row rolls everything back and answers 422 with the rows named.
   */
  async pushMany(
    actor: Actor,
    upload: Readable,
    format: UploadFormat,
    key: string | undefined,
    correlationId: string,
  ): Promise<Answer<MeasurementBatchView>> {
    const meter = new UploadMeter(
      byteSize(this.uploadLimit),
      this.uploadLimit,
      `POST ${BULK_PATH}\n${MEASUREMENT_UPLOAD_TYPES[format]}\n`,
    );
    // Not pipeline(): it would destroy the request on a refusal, and the client would see a reset, not the 413.
    upload.once('error', () => meter.destroy(new BadRequestException('The upload could not be read to its end.')));
    upload.once('aborted', () => meter.destroy(new BadRequestException('The upload was cut off before its end.')));
    upload.pipe(meter);
    return this.dataSource.transaction(async (tx) => {
      const remembered = key ? await this.idempotency.claim(tx, actor, key) : undefined;
      if (remembered) {
        for await (const _ of meter) void _;
        return replayed<MeasurementBatchView>(this.idempotency.replay(remembered, meter.sha256(), key!));
      }
      const body = await this.recordUpload(tx, actor, uploadRows(meter, format), correlationId);
      const answer = { status: 200, body };
      if (key) await this.idempotency.remember(tx, actor, key, meter.sha256(), answer);
      return { ...answer, replayed: false };
    });
  }

  async list(actor: Actor, goalId: string, keyResultId: string, query: PageQueryDto): Promise<Page<MeasurementView>> {
    await requireGoal(this.dataSource.manager, this.access, actor, goalId);
    if (!(await this.dataSource.manager.existsBy(KeyResult, { id: keyResultId, goalId })))
      throw notFound('Key result', keyResultId);
    const [rows, total] = await this.dataSource.manager.findAndCount(KeyResultMeasurement, {
      where: { keyResultId, orgId: actor.orgId },
      order: { measuredAt: 'DESC', id: 'DESC' },
      skip: query.offset,
      take: query.limit,
    });
    return page(rows.map(measurementView), total, query);
  }

  private async recordUpload(
    tx: EntityManager,
    actor: Actor,
    rows: AsyncIterable<{ row: number; fields?: Record<string, unknown>; problems?: FieldProblem[] }>,
    correlationId: string,
  ): Promise<MeasurementBatchView> {
    const now = new Date();
    const keyResults = new Map<string, MeasuredKeyResult | undefined>();
    const problems: Array<FieldProblem & { row: number }> = [];
    let refused = 0;
    let recorded = 0;
    let rowCount = 0;
    let pending: Array<{ row: number; measurement: Measurement }> = [];
    const refuse = (row: number, rowProblems: FieldProblem[]) => {
      refused++;
      for (const problem of rowProblems)
        if (problems.length < MAX_REPORTED_PROBLEMS)
          problems.push({ row, field: `row ${row} ${problem.field}`, message: problem.message });
    };
    const flush = async () => {
      const unseen = [...new Set(pending.map((entry) => entry.measurement.keyResultId))].filter(
        (id) => !keyResults.has(id),
      );
      if (unseen.length) {
        const found: Array<MeasuredKeyResult & { id: string }> = await tx.query(KEY_RESULTS_OF_GOALS, [
          actor.orgId,
          unseen,
        ]);
        for (const id of unseen) keyResults.set(id, undefined);
        for (const { id, ...keyResult } of found) keyResults.set(id, keyResult);
      }
      const good: Recordable[] = [];
      for (const { row, measurement } of pending) {
        const keyResult = keyResults.get(measurement.keyResultId);
        const rowProblems = checkAgainstKeyResult(measurement, keyResult);
        if (rowProblems.length) refuse(row, rowProblems);
        else good.push({ ...measurement, goalId: keyResult!.goalId });
      }
      pending = [];
      // Once a row is refused nothing will be kept: the rest is only checked, to report every row at once.
      if (refused === 0 && good.length) recorded += (await this.record(tx, actor, good, correlationId)).ids.length;
    };
    for await (const { row, fields, problems: readProblems } of rows) {
      if (++rowCount > this.maxRows)
        throw new PayloadTooLargeException(
          `The upload has more than ${this.maxRows} rows: split it into several requests.`,
        );
      if (readProblems) refuse(row, readProblems);
      else {
        const checked = checkMeasurement(fields!, now);
        if (checked.ok) pending.push({ row, measurement: checked.value });
        else refuse(row, checked.problems);
      }
      if (pending.length >= MEASUREMENT_CHUNK_ROWS) await flush();
    }
    await flush();
    if (rowCount === 0) throw new BadRequestException('The upload holds no measurement.');
    if (refused > 0) {
      const more =
        problems.length >= MAX_REPORTED_PROBLEMS ? ` (the first ${MAX_REPORTED_PROBLEMS} problems listed)` : '';
      throw invalid(
        `${refused} of ${rowCount} rows were refused and nothing was recorded: fix the rows named in errors and send the upload again${more}.`,
        // By row: a key result's problems are found when its chunk is looked up, after the rows' own.
        problems.sort((one, other) => one.row - other.row).map(({ field, message }) => ({ field, message })),
      );
    }
    const measured = new Set<string>();
    for (const [id, keyResult] of keyResults) if (keyResult) measured.add(id);
    return { recorded, keyResults: measured.size };
  }

  /** The rows and their check-in events, one statement each; the ids given and the time recorded. */
  private async record(
    tx: EntityManager,
    actor: Actor,
    measurements: Recordable[],
    correlationId: string,
  ): Promise<{ ids: string[]; recordedAt: Date }> {
    const recordedAt = new Date();
    // One draw for the chunk: a draw per row was a system call per row in the bulk upload's profile.
    const random = randomBytes(MEASUREMENT_ID_RANDOM_BYTES * measurements.length);
    const ids = measurements.map((measurement, index) =>
      measurementId(
        measurement.measuredAt,
        random.subarray(index * MEASUREMENT_ID_RANDOM_BYTES, (index + 1) * MEASUREMENT_ID_RANDOM_BYTES),
      ),
    );
    await tx.query(
      `INSERT INTO key_result_measurement (id, org_id, key_result_id, goal_id, value, measured_at, source, recorded_by, recorded_at)
       SELECT id, $1, key_result_id, goal_id, value, measured_at, source, $2, $3
       FROM unnest($4::uuid[], $5::uuid[], $6::uuid[], $7::float8[], $8::timestamptz[], $9::text[])
         AS m(id, key_result_id, goal_id, value, measured_at, source)`,
      [
        actor.orgId,
        actor.personId,
        recordedAt,
        ids,
        measurements.map((measurement) => measurement.keyResultId),
        measurements.map((measurement) => measurement.goalId),
        measurements.map((measurement) => measurement.value),
        measurements.map((measurement) => measurement.measuredAt.toISOString()),
        measurements.map((measurement) => measurement.source),
      ],
    );
    await this.outbox.publishAll(
      tx,
      KeyResultCheckedInV1,
      measurements.map((measurement, index) => ({
        checkInId: ids[index],
        keyResultId: measurement.keyResultId,
        goalId: measurement.goalId,
        // The check-in's author is the integrator whose credential pushed it.
        managerId: actor.personId,
        value: measurement.value,
        measuredOn: measurement.measuredOn,
        note: checkInNote(measurement),
        recordedAt: recordedAt.toISOString(),
      })),
      { orgId: actor.orgId, correlationId, actorId: actor.personId },
    );
    return { ids, recordedAt };
  }
}

function assertIntegrator(actor: Actor): void {
  if (actor.role !== 'integrator')
    throw forbidden(`Measurements are pushed by integrators' credentials; your token has role ${actor.role}.`);
}

function sha256(prefix: string, body: unknown): string {
  return createHash('sha256').update(prefix).update(JSON.stringify(body)).digest('hex');
}

function replayed<T>(response: StoredResponse): Answer<T> {
  return { status: response.status, body: response.body as T, replayed: true };
}

function measurementView(measurement: Omit<KeyResultMeasurement, 'measuredOn'>): MeasurementView {
  const { id, keyResultId, goalId, value, measuredAt, source, recordedBy, recordedAt } = measurement;
  return {
    id,
    keyResultId,
    goalId,
    value,
    measuredAt: measuredAt.toISOString(),
    measuredOn: measuredAt.toISOString().slice(0, 10),
    source,
    recordedBy,
    recordedAt: recordedAt.toISOString(),
  };
}
