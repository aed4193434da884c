/**
 * What happens after each delivery attempt: delivered on a 2xx; otherwise retried with
 * exponential backoff until the attempts run out (then dead-lettered, kept for replay).
 * A subscription that has failed persistently — at least `disableAfterFailures` attempts
 * in a row, over at least `disableAfterMs` — is disabled; its deliveries are kept.
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead_lettered';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead_lettered'];

export interface DeliveryPolicy {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  disableAfterFailures: number;
  disableAfterMs: number;
}

export interface AttemptState {
  /** Attempts made before this one. */
  attempts: number;
  failingSince: Date | null;
  consecutiveFailures: number;
}

export interface AttemptOutcome {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  failingSince: Date | null;
  consecutiveFailures: number;
  disable: boolean;
}

export function backoffMs(attempts: number, policy: Pick<DeliveryPolicy, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
}

export function afterAttempt(
  state: AttemptState,
  succeeded: boolean,
  now: Date,
  policy: DeliveryPolicy,
): AttemptOutcome {
  const attempts = state.attempts + 1;
  if (succeeded)
    return {
      status: 'delivered',
      attempts,
      nextAttemptAt: null,
      failingSince: null,
      consecutiveFailures: 0,
      disable: false,
    };
  const failingSince = state.failingSince ?? now;
  const consecutiveFailures = state.consecutiveFailures + 1;
  const disable =
    consecutiveFailures >= policy.disableAfterFailures &&
    now.getTime() - failingSince.getTime() >= policy.disableAfterMs;
  if (attempts >= policy.maxAttempts)
    return { status: 'dead_lettered', attempts, nextAttemptAt: null, failingSince, consecutiveFailures, disable };
  return {
    status: 'pending',
    attempts,
    nextAttemptAt: new Date(now.getTime() + backoffMs(attempts, policy)),
    failingSince,
    consecutiveFailures,
    disable,
  };
}

/** A 2xx is success; anything else (including redirects, which are not followed) is a failure. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}
