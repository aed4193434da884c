import { KafkajsRequestQueue, RequestQueue } from './kafkajs-request-queue';
import './kafka-client';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue(): KafkajsRequestQueue & { destroy(): void; push(request: unknown): void } {
  const Queue = RequestQueue as unknown as new (options: object) => KafkajsRequestQueue & {
    destroy(): void;
    push(request: unknown): void;
  };
  return new Queue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: '127.0.0.1:9092',
    logger: silent,
  });
}

/** A request the queue can hold and send: kafkajs calls `sendRequest` when it goes out. */
function request(correlationId: number, sent: number[]) {
  return { entry: { correlationId }, expectResponse: true, sendRequest: () => sent.push(correlationId) };
}

describe('kafkajs request queues, as the messaging library loads them', () => {
  it('arm no timer while no request waits', () => {
    const idle = queue();
    try {
      idle.checkPendingRequests();
      expect(idle.throttleCheckTimeoutId).toBeNull();
    } finally {
      idle.destroy();
    }
  });

  it('still send a request held back by a throttle once it ends', async () => {
    const throttled = queue();
    const sent: number[] = [];
    try {
      throttled.throttledUntil = Date.now() + 30;
      throttled.push(request(1, sent));
      expect(sent).toEqual([]);
      expect(throttled.throttleCheckTimeoutId).not.toBeNull();
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (sent.length === 0) return;
          clearInterval(poll);
          resolve();
        }, 5);
      });
      expect(sent).toEqual([1]);
      expect(throttled.throttleCheckTimeoutId).toBeNull();
    } finally {
      throttled.destroy();
    }
  });
});
