import { Consumer } from 'kafkajs';
import { Topics } from '@throughline/contracts';
import { nowMs } from './stats';
import { BenchSystem } from './system';

/**
 * Watches the scores topic and remembers when the first score-changed event of each
 * correlation id arrived: that is the moment metrics reflected the update that carried it.
 */
export class ScoreWatch {
  readonly firstSeen = new Map<string, number>();
  private consumer?: Consumer;

  constructor(private readonly system: BenchSystem, private readonly prefix = system.prefix) {}

  async start(): Promise<void> {
    const consumer = this.system.kafka.consumer({ groupId: `bench-scores-${Date.now()}-${Math.random().toString(16).slice(2)}`, maxWaitTimeInMs: 20, minBytes: 1 });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    // Only what arrives from now on: the benchmark's own correlation ids are fresh.
    await consumer.subscribe({ topic: this.prefix + Topics.Scores, fromBeginning: false });
    await consumer.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        const at = nowMs();
        for (const message of batch.messages) {
          const text = message.value?.toString() ?? '';
          const match = /"correlationid":"([^"]+)"/.exec(text);
          if (match && !this.firstSeen.has(match[1])) this.firstSeen.set(match[1], at);
        }
      },
    });
    await joined;
    this.consumer = consumer;
  }

  /** Resolves when every id was seen or the time is up; returns how many are still missing. */
  async waitFor(ids: string[], limitMs: number): Promise<number> {
    const deadline = nowMs() + limitMs;
    let missing = ids.filter((id) => !this.firstSeen.has(id));
    while (missing.length > 0 && nowMs() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      missing = missing.filter((id) => !this.firstSeen.has(id));
    }
    return missing.length;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
