import { GuardedChange } from './outbox';

/**
 * The parts of one statement that several writers fill in, so that what a transaction writes
 * behind goes to PostgreSQL in one round trip: each part is a common table expression, and the
 * values it binds are numbered after those of the parts before it. Once a part is named
 * `applied`, it is a GuardedChange for `Outbox.appendIf`; otherwise `run` writes the parts alone.
 */
export class CommonTableExpressions implements GuardedChange {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  /** Binds a value and answers its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Adds `name AS (body)`; the body's values bound with `param` beforehand. */
  add(name: string, body: string): void {
    this.parts.push(`${name} AS (\n    ${body}\n  )`);
  }

  get size(): number {
    return this.parts.length;
  }

  get sql(): string {
    return this.parts.join(',\n  ');
  }

  /** The parts as a statement of their own (nothing when there are none). */
  get statement(): string | undefined {
    return this.parts.length === 0 ? undefined : `WITH ${this.sql} SELECT`;
  }
}
