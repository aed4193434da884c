import { HitWindow, HitWindows } from './rate-limit';

describe('a caller’s hit window', () => {
  const minute = 60_000;

  it('lets the limit through, blocks the next hit, and counts nothing while blocked', () => {
    const window = new HitWindow();
    const counts = [0, 1, 2].map((second) => window.hit(second * 1000, minute, 3, minute));
    expect(counts.map((count) => [count.totalHits, count.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(counts[2].timeToExpire).toBe(58);
    expect(window.hit(10_000, minute, 3, minute)).toEqual({
      totalHits: 4,
      timeToExpire: 50,
      isBlocked: true,
      timeToBlockExpire: 60,
    });
    expect(window.hit(40_000, minute, 3, minute)).toMatchObject({
      totalHits: 4,
      isBlocked: true,
      timeToBlockExpire: 30,
    });
  });

  it('starts afresh once the block is over', () => {
    const window = new HitWindow();
    for (let second = 0; second < 4; second++) window.hit(second, minute, 3, minute);
    expect(window.hit(70_003, minute, 3, minute)).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('slides: hits older than the window no longer count', () => {
    const window = new HitWindow();
    for (let tenth = 0; tenth < 1000; tenth++) window.hit(tenth * 100, minute, 1000, minute);
    // At 100 s a hit made at 40 s or before has left the window: 599 remain, plus this one.
    expect(window.hit(100_000, minute, 1000, minute)).toMatchObject({ totalHits: 600, isBlocked: false });
    expect(window.idle(100_000)).toBe(false);
    expect(window.idle(160_000)).toBe(true);
  });

  it('is forgotten once idle, and a forgotten caller starts with a full allowance', async () => {
    const windows = new HitWindows();
    try {
      await windows.increment('a', minute, 1, minute);
      expect((await windows.increment('a', minute, 1, minute)).isBlocked).toBe(true);
      windows.forgetIdle(Date.now() + 2 * minute);
      expect((await windows.increment('a', minute, 1, minute)).isBlocked).toBe(false);
    } finally {
      windows.onApplicationShutdown();
    }
  });
});
