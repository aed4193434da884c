import { afterAttempt, backoffMs, DeliveryPolicy, isSuccessStatus } from './delivery-lifecycle';

const policy: DeliveryPolicy = {
  maxAttempts: 4,
  backoffBaseMs: 1000,
  backoffMaxMs: 5000,
  disableAfterFailures: 3,
  disableAfterMs: 60_000,
};
const now = new Date('2026-01-05T09:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

describe('delivery lifecycle', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 5000],
    [10, 5000],
  ])('after %i failed attempt(s) waits %i ms', (attempts, expected) => {
    expect(backoffMs(attempts, policy)).toBe(expected);
  });

  it.each([
    [
      'a first success',
      { attempts: 0, failingSince: null, consecutiveFailures: 0 },
      true,
      {
        status: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
        failingSince: null,
        consecutiveFailures: 0,
        disable: false,
      },
    ],
    [
      'a success after failures resets the failure streak',
      { attempts: 2, failingSince: minutesAgo(5), consecutiveFailures: 7 },
      true,
      {
        status: 'delivered',
        attempts: 3,
        nextAttemptAt: null,
        failingSince: null,
        consecutiveFailures: 0,
        disable: false,
      },
    ],
    [
      'a first failure is retried after the base backoff',
      { attempts: 0, failingSince: null, consecutiveFailures: 0 },
      false,
      {
        status: 'pending',
        attempts: 1,
        nextAttemptAt: new Date(now.getTime() + 1000),
        failingSince: now,
        consecutiveFailures: 1,
        disable: false,
      },
    ],
    [
      'a third failure waits four times as long',
      { attempts: 2, failingSince: minutesAgo(0.5), consecutiveFailures: 2 },
      false,
      {
        status: 'pending',
        attempts: 3,
        nextAttemptAt: new Date(now.getTime() + 4000),
        failingSince: minutesAgo(0.5),
        consecutiveFailures: 3,
        disable: false,
      },
    ],
    [
      'the last attempt dead-letters the delivery',
      { attempts: 3, failingSince: minutesAgo(0.5), consecutiveFailures: 2 },
      false,
      {
        status: 'dead_lettered',
        attempts: 4,
        nextAttemptAt: null,
        failingSince: minutesAgo(0.5),
        consecutiveFailures: 3,
        disable: false,
      },
    ],
    [
      'many failures over a short time do not disable',
      { attempts: 0, failingSince: minutesAgo(0.5), consecutiveFailures: 50 },
      false,
      {
        status: 'pending',
        attempts: 1,
        nextAttemptAt: new Date(now.getTime() + 1000),
        failingSince: minutesAgo(0.5),
        consecutiveFailures: 51,
        disable: false,
      },
    ],
    [
      'a long but rare failure does not disable',
      { attempts: 0, failingSince: minutesAgo(120), consecutiveFailures: 1 },
      false,
      {
        status: 'pending',
        attempts: 1,
        nextAttemptAt: new Date(now.getTime() + 1000),
        failingSince: minutesAgo(120),
        consecutiveFailures: 2,
        disable: false,
      },
    ],
    [
      'persistent failure disables the subscription',
      { attempts: 1, failingSince: minutesAgo(1), consecutiveFailures: 2 },
      false,
      {
        status: 'pending',
        attempts: 2,
        nextAttemptAt: new Date(now.getTime() + 2000),
        failingSince: minutesAgo(1),
        consecutiveFailures: 3,
        disable: true,
      },
    ],
  ] as const)('%s', (_, state, succeeded, expected) => {
    expect(afterAttempt(state, succeeded, now, policy)).toEqual(expected);
  });

  it.each([
    [200, true],
    [204, true],
    [301, false],
    [410, false],
    [500, false],
  ])('HTTP %i counts as success: %s', (status, expected) => {
    expect(isSuccessStatus(status)).toBe(expected);
  });
});
