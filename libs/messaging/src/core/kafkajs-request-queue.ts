import { createRequire } from 'node:module';

/** The parts of kafkajs's (untyped, internal) request queue that its pending-request check uses. */
export interface KafkajsRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own retry delay for requests held back while none may be sent. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

export const RequestQueue: { prototype: KafkajsRequestQueue } = createRequire(__filename)(
  'kafkajs/src/network/requestQueue',
);

/**
 * kafkajs 2.2.4 re-arms its request queue's check for ever, whether or not a request waits: with
 * no throttle in force the delay it computes is negative, Node runs the timer after 1 ms, and each
 * run arms the next (tulios/kafkajs#1556; the fix, #1667, was never released). Every broker
 * connection of every process so woke its event loop about a thousand times a second: an idle
 * service spent 30–40 ms of CPU per second on it (bench/findings.md). A check is armed here only
 * while requests wait, as kafkajs's comment intends; a response that frees an in-flight slot
 * checks the queue anyway.
 */
export function checkRequestQueuesOnlyWhenRequestsWait(): void {
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: KafkajsRequestQueue) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
}
