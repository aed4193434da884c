/**
 * SQLSTATEs of failures that say nothing about the event: the database went away, restarted,
 * ran out of connections, or chose this transaction as a serialization or deadlock victim.
 * Classes 08 (connection exception) and 57P (operator intervention) are matched by prefix.
 */
const TRANSIENT_SQLSTATES = ['08', '57P', '53300', '40001', '40P01'];

/** Socket errors of the driver, and its messages for a connection lost mid-query or never got. */
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
const TRANSIENT_MESSAGES = [/Connection terminated/i, /not queryable/i, /timeout exceeded when trying to connect/i];

/**
 * Whether applying an event failed because of the database rather than the event: retried until
 * it succeeds, never dead-lettered (a dead letter would need an operator to replay what a
 * restart of PostgreSQL interrupted).
 */
export function isTransientDatabaseFailure(error: unknown): boolean {
  // A few levels of causes (TypeORM and kafkajs wrap what they rethrow), never a cycle.
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const { code, driverError } = current as Error & { code?: unknown; driverError?: { code?: unknown } };
    const sqlState = typeof code === 'string' ? code : driverError?.code;
    if (typeof sqlState === 'string') {
      if (TRANSIENT_NODE_CODES.has(sqlState)) return true;
      if (TRANSIENT_SQLSTATES.some((prefix) => sqlState.startsWith(prefix))) return true;
    }
    if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(current.message))) return true;
  }
  return false;
}
