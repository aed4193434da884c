/**
 * One service's refresh on live events, never more than one at a time: events that arrive while a
 * refresh runs cause exactly one more after it (which reads after all of them), not one each. A
 * refresh per event fails under load: at 50 updates/s in an organisation, every open page would
 * start its queries again faster than they answer, pile up requests until the browser refuses more,
 * and never settle. `minGapMs` spaces back-to-back refreshes under a steady stream (from the start
 * of one to the start of the next); an event after a quiet spell is refreshed at once.
 */
export class CoalescedRefresh {
  private running = false;
  private again = false;

  constructor(
    private readonly refresh: () => Promise<unknown>,
    private readonly minGapMs: number,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly now: () => number = Date.now,
  ) {}

  /** Something changed: refresh now, or once more after the refresh under way. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        const started = this.now();
        // A failed refresh leaves its queries in their error state, which they retry on their own.
        await this.refresh().catch(() => undefined);
        const rest = this.minGapMs - (this.now() - started);
        if (this.again && rest > 0) await this.wait(rest);
      } while (this.again);
    } finally {
      this.running = false;
    }
  }
}
