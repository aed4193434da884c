import { runWithinDeadline } from './bounded-shutdown';

describe('runWithinDeadline', () => {
  it('runs every step and reports each done', async () => {
    const ran: string[] = [];
    const outcomes = await runWithinDeadline(
      ['consumer', 'relay'].map((name) => ({ name, run: async () => void ran.push(name) })),
      1_000,
    );
    expect(ran.sort()).toEqual(['consumer', 'relay']);
    expect(outcomes).toEqual([
      { name: 'consumer', outcome: 'done' },
      { name: 'relay', outcome: 'done' },
    ]);
  });

  it('reports a step that fails, and the others still run', async () => {
    const refused = new Error('already disconnected');
    const outcomes = await runWithinDeadline(
      [
        { name: 'consumer', run: () => Promise.reject(refused) },
        { name: 'relay', run: () => undefined },
      ],
      1_000,
    );
    expect(outcomes).toEqual([
      { name: 'consumer', outcome: 'failed', error: refused },
      { name: 'relay', outcome: 'done' },
    ]);
  });

  it('does not let a step that never ends hold the others up, and leaves it unfinished at the deadline', async () => {
    let relayDone = false;
    const outcomes = await runWithinDeadline(
      [
        { name: 'consumer', run: () => new Promise(() => undefined) },
        {
          name: 'relay',
          run: () => new Promise<void>((resolve) => setTimeout(() => resolve(void (relayDone = true)), 10)),
        },
        { name: 'probe', run: () => undefined },
      ],
      200,
    );
    expect(relayDone).toBe(true);
    expect(outcomes).toEqual([
      { name: 'consumer', outcome: 'unfinished' },
      { name: 'relay', outcome: 'done' },
      { name: 'probe', outcome: 'done' },
    ]);
  });
});
