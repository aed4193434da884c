import { EntityManager } from 'typeorm';
import { OutgoingEvent } from '@throughline/contracts';
import { eventsOfTransaction, Outbox } from '@throughline/messaging';

/** What one rebuild transaction would have published, and the consumed events that caused it. */
interface HeldBack {
  causes: string[];
  events: OutgoingEvent[];
  audit: boolean;
}

/**
 * The rebuild's outbox. Replaying history publishes nothing: the live service published those
 * score changes and alerts when it applied the events. But near the end the rebuild may apply an
 * event before the live service does, and after the switch the live service finds that event in
 * the inbox and skips it — so from the tail on, what each transaction would publish is held back
 * (in memory) with the events that caused it, and at the switch (live consumer paused) what was
 * caused by an event the live service had not applied is written to the live outbox. A
 * transaction that mixes both kinds publishes (at least once rather than never).
 */
export class HeldBackOutbox extends Outbox {
  private holding = false;
  private readonly held: HeldBack[] = [];

  /** From now on, what the handlers publish is kept until the switch. */
  holdFromNowOn(): void {
    this.holding = true;
  }

  override async append(
    tx: EntityManager,
    events: OutgoingEvent[],
    { audit = false }: { audit?: boolean } = {},
  ): Promise<void> {
    if (!this.holding || events.length === 0) return;
    this.held.push({ causes: eventsOfTransaction(tx).map((event) => event.id), events, audit });
  }

  /** Every event id that caused something held back. */
  causes(): string[] {
    return [...new Set(this.held.flatMap((entry) => entry.causes))];
  }

  /**
   * Writes, in `tx`, what was caused by at least one event in `unpublished` (and committed by
   * the rebuild: in `committed`); returns how many events it wrote.
   */
  async release(tx: EntityManager, committed: ReadonlySet<string>, unpublished: ReadonlySet<string>): Promise<number> {
    let written = 0;
    for (const entry of this.held) {
      // Events not all in the rebuild's inbox: that transaction rolled back. (One that rolled back
      // and whose events a retry committed is written twice: at least once.)
      if (!entry.causes.every((cause) => committed.has(cause))) continue;
      if (!entry.causes.some((cause) => unpublished.has(cause))) continue;
      await super.append(tx, entry.events, { audit: entry.audit });
      written += entry.events.length;
    }
    this.held.length = 0;
    return written;
  }
}
