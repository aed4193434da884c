import { runWithinDeadline } from './bounded-shutdown';

describe('runWithinDeadline', () => {
  it('runs the steps in order and reports each done', async () => {
    const ran: string[] = [];
    const outcomes = await runWithinDeadline(
      ['consumer', 'relay'].map((name) => ({ name, run: async () => void ran.push(name) })),
      1_000,
    );
    expect(ran).toEqual(['consumer', 'relay']);
    expect(outcomes).toEqual([
      { name: 'consumer', outcome: 'done' },
      { name: 'relay', outcome: 'done' },
    ]);
  });

  it('goes on after a step that fails', async () => {
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

  it('leaves a step that never ends, and the steps after it, unfinished once the deadline passes', async () => {
    const ran: string[] = [];
    const outcomes = await runWithinDeadline(
      [
        { name: 'probe', run: () => void ran.push('probe') },
        { name: 'consumer', run: () => new Promise(() => undefined) },
        { name: 'relay', run: () => void ran.push('relay') },
      ],
      50,
    );
    expect(outcomes).toEqual([
      { name: 'probe', outcome: 'done' },
      { name: 'consumer', outcome: 'unfinished' },
      { name: 'relay', outcome: 'unfinished' },
    ]);
    expect(ran).toEqual(['probe']);
  });
});
