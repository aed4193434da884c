import { CoalescedRefresh } from './coalesced-refresh';

/** A refresh that finishes only when the test says so. */
function controlledRefresh() {
  const finishers: Array<() => void> = [];
  return {
    finish: async () => {
      finishers.shift()?.();
      // Let the refresher's loop go on.
      for (let turn = 0; turn < 5; turn++) await Promise.resolve();
    },
    refresh: () => new Promise<void>((resolve) => finishers.push(resolve)),
    pending: () => finishers.length,
  };
}

describe('coalesced refresh', () => {
  const noWait = () => Promise.resolve();

  it('refreshes at once after a quiet spell', () => {
    const control = controlledRefresh();
    new CoalescedRefresh(control.refresh, 250, noWait).request();
    expect(control.pending()).toBe(1);
  });

  it('turns any number of events during a refresh into one more refresh after it', async () => {
    let count = 0;
    const control = controlledRefresh();
    const refresher = new CoalescedRefresh(() => (count++, control.refresh()), 0, noWait);
    refresher.request();
    for (let event = 0; event < 50; event++) refresher.request();
    expect(count).toBe(1);
    await control.finish();
    expect(count).toBe(2);
    await control.finish();
    expect(count).toBe(2);
    expect(control.pending()).toBe(0);
  });

  it('spaces back-to-back refreshes by the gap, counted from the start of the previous one', async () => {
    const waits: number[] = [];
    let clock = 0;
    const control = controlledRefresh();
    const refresher = new CoalescedRefresh(
      control.refresh,
      250,
      async (ms) => void waits.push(ms),
      () => clock,
    );
    refresher.request();
    refresher.request();
    clock = 100;
    await control.finish();
    expect(waits).toEqual([150]);
    await control.finish();
    refresher.request();
    expect(waits).toEqual([150]);
  });

  it('goes on after a refresh that failed', async () => {
    let calls = 0;
    const refresher = new CoalescedRefresh(
      () => (++calls === 1 ? Promise.reject(new Error('offline')) : Promise.resolve()),
      0,
      noWait,
    );
    refresher.request();
    refresher.request();
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    expect(calls).toBe(2);
  });
});
