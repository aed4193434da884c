import { Consumer } from 'kafkajs';
import { Topics } from '@throughline/contracts';
import { nowMs } from './stats';
import { BenchSystem } from './system';

interface Position {
  partition: number;
  offset: bigint;
}

/**
 * Watches the tasks and scores topics and tells when metrics reflected an update, by the
 * update's correlation id. Metrics applies a partition's events in offset order and, when they
 * queue up, several in one transaction whose score-changed events carry the correlation id of
 * the last of them: a score change caused by the task event at offset N of a partition shows
 * that every earlier event of that partition is reflected too.
 */
export class ScoreWatch {
  private readonly taskEvents = new Map<string, Position>();
  private readonly scoreChanges: Array<{ correlationId: string; at: number }> = [];
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
      maxWaitTimeInMs: 20,
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
        const at = nowMs();
        this.index = undefined;
        for (const message of batch.messages) {
          const match = /"correlationid":"([^"]+)"/.exec(message.value?.toString() ?? '');
          if (!match) continue;
          if (batch.topic === scores) this.scoreChanges.push({ correlationId: match[1], at });
          else if (!this.taskEvents.has(match[1]))
            this.taskEvents.set(match[1], { partition: batch.partition, offset: BigInt(message.offset) });
        }
      },
    });
    await joined;
    this.consumer = consumer;
  }

  /** When the update with this correlation id was first reflected in a score-changed event, if it was. */
  reflectedAt(correlationId: string): number | undefined {
    const position = this.taskEvents.get(correlationId);
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
      const cause = this.taskEvents.get(change.correlationId);
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
