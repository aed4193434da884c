import { Consumer } from 'kafkajs';
import { Topics } from '@throughline/contracts';
import { nowMs } from './stats';
import { BenchSystem } from './system';

/**
 * When an update that caused a score change passed each point of the path, in epoch ms of this
 * machine's one clock: the Kafka record timestamps are set by the producer at send (CreateTime),
 * the score event's `time` while metrics applied the update, before its commit.
 */
export interface UpdatePath {
  /** Execution's outbox relay sent the task event to the tasks topic. */
  taskEventSent?: number;
  /** Metrics applied it: the time in the score-changed event it caused. */
  scored?: number;
  /** Metrics' outbox relay sent the score-changed event. */
  scoreEventSent?: number;
  /** The benchmark received the score-changed event. */
  scoreEventReceived?: number;
}

interface Position {
  partition: number;
  offset: bigint;
}

/**
 * Watches the tasks and scores topics and tells when metrics reflected an update, by the update's
 * correlation id. Every task event of an organisation is in one tasks partition, which metrics
 * applies in offset order and, when events queue up, several in one transaction whose
 * score-changed events carry the correlation id of the last of them: a score change caused by the
 * event at offset N of a tasks partition shows that every earlier event of that partition is
 * reflected too.
 */
export class ScoreWatch {
  /** Where each update's task event is: the tasks partition and offset metrics applies it at. */
  private readonly taskEventAt = new Map<string, Position>();
  private readonly scoreChanges: Array<{ correlationId: string; at: number }> = [];
  private readonly paths = new Map<string, UpdatePath>();
  /** Per partition: the offsets of the task events that caused score changes, ascending, and the earliest change at or after each. */
  private index?: Map<number, { offsets: bigint[]; earliestFrom: number[] }>;
  private consumer?: Consumer;

  constructor(
    private readonly system: BenchSystem,
    private readonly prefix = system.prefix,
  ) {}

  async start(): Promise<void> {
    const consumer = this.system.kafka.consumer({
      groupId: `bench-scores-${Date.now()}-${Math.random().toString(16).slice(2)}`,
      // The broker answers as soon as an event arrives; the wait bounds only how often a quiet watch
      // asks again, and asking every 20 ms cost the broker and the load CPU the system is measured on.
      maxWaitTimeInMs: 1_000,
      minBytes: 1,
    });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    const scores = this.prefix + Topics.Scores;
    await consumer.connect();
    // Only what arrives from now on: the benchmark's own correlation ids are fresh.
    await consumer.subscribe({ topics: [scores, this.prefix + Topics.Tasks], fromBeginning: false });
    await consumer.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        // The wall clock, as the record timestamps it is compared with.
        const at = Date.now();
        this.index = undefined;
        for (const message of batch.messages) {
          const value = message.value?.toString() ?? '';
          const match = /"correlationid":"([^"]+)"/.exec(value);
          if (!match) continue;
          const sent = Number(message.timestamp);
          if (batch.topic !== scores) {
            // The first sending: a repeat after a relay's restart is dropped by metrics' inbox.
            if (!this.taskEventAt.has(match[1])) {
              this.taskEventAt.set(match[1], { partition: batch.partition, offset: BigInt(message.offset) });
              this.recordedPath(match[1]).taskEventSent = sent;
            }
          } else {
            this.scoreChanges.push({ correlationId: match[1], at });
            const path = this.recordedPath(match[1]);
            if (path.scoreEventReceived === undefined) {
              path.scored = Date.parse(/"time":"([^"]+)"/.exec(value)?.[1] ?? '');
              path.scoreEventSent = sent;
              path.scoreEventReceived = at;
            }
          }
        }
      },
    });
    await joined;
    this.consumer = consumer;
  }

  /** When the update with this correlation id was first reflected in a score-changed event, if it was. */
  reflectedAt(correlationId: string): number | undefined {
    const position = this.taskEventAt.get(correlationId);
    const causes = position && this.causesByPartition().get(position.partition);
    if (!position || !causes) return undefined;
    let low = 0;
    let high = causes.offsets.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (causes.offsets[middle] < position.offset) low = middle + 1;
      else high = middle;
    }
    return low < causes.offsets.length ? causes.earliestFrom[low] : undefined;
  }

  private causesByPartition(): Map<number, { offsets: bigint[]; earliestFrom: number[] }> {
    if (this.index) return this.index;
    const byPartition = new Map<number, Array<{ offset: bigint; at: number }>>();
    for (const change of this.scoreChanges) {
      const cause = this.taskEventAt.get(change.correlationId);
      if (!cause) continue;
      const causes = byPartition.get(cause.partition) ?? [];
      causes.push({ offset: cause.offset, at: change.at });
      byPartition.set(cause.partition, causes);
    }
    this.index = new Map(
      [...byPartition].map(([partition, causes]) => {
        causes.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
        const earliestFrom = causes.map((cause) => cause.at);
        for (let index = earliestFrom.length - 2; index >= 0; index--)
          earliestFrom[index] = Math.min(earliestFrom[index], earliestFrom[index + 1]);
        return [partition, { offsets: causes.map((cause) => cause.offset), earliestFrom }];
      }),
    );
    return this.index;
  }

  /** Where an update was when, if it caused a score change itself (not only a later update of its batch) and every point was seen. */
  pathOf(correlationId: string): Required<UpdatePath> | undefined {
    const path = this.paths.get(correlationId);
    const complete = (candidate: UpdatePath): candidate is Required<UpdatePath> =>
      [candidate.taskEventSent, candidate.scored, candidate.scoreEventSent, candidate.scoreEventReceived].every(
        (moment) => moment !== undefined && Number.isFinite(moment),
      );
    return path && complete(path) ? path : undefined;
  }

  /** The path being recorded for a correlation id: its topics' records arrive in no fixed order. */
  private recordedPath(correlationId: string): UpdatePath {
    let path = this.paths.get(correlationId);
    if (!path) this.paths.set(correlationId, (path = {}));
    return path;
  }

  /** Resolves when every id was reflected or the time is up; returns how many are still missing. */
  async waitFor(ids: string[], limitMs: number): Promise<number> {
    const deadline = nowMs() + limitMs;
    let missing = ids.filter((id) => this.reflectedAt(id) === undefined);
    while (missing.length > 0 && nowMs() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      missing = missing.filter((id) => this.reflectedAt(id) === undefined);
    }
    return missing.length;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
