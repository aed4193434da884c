import { Actor } from './actor';

export interface VerifiedTokensOptions {
  /** The oldest entry makes room beyond this many. */
  maxEntries: number;
  /** How long a verification is reused at most, whatever the token's exp: a key rotation takes effect within it. */
  maxAgeMs: number;
}

/**
 * The actors of bearer tokens verified recently, keyed by the token itself, so a client
 * sending the same token on every request has its signature checked once, not each time.
 * Only tokens that passed verification go in, and an entry is never returned at or after
 * the token's exp (the instant the verifier would call it expired) or after maxAgeMs.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { actor: Actor; until: number }>();

  constructor(
    private readonly options: VerifiedTokensOptions,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(token: string): Actor | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.now() >= entry.until) {
      this.entries.delete(token);
      return undefined;
    }
    return { ...entry.actor };
  }

  /** `exp` as the token carries it (seconds since the epoch); without one the entry lives maxAgeMs. */
  remember(token: string, actor: Actor, exp: number | undefined): void {
    const now = this.now();
    const until = Math.min(exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000, now + this.options.maxAgeMs);
    if (until <= now) return;
    if (!this.entries.has(token) && this.entries.size >= this.options.maxEntries)
      this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { actor: { ...actor }, until });
  }
}
