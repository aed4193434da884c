import type { ServerResponse } from 'node:http';
import { ConnectionDraining } from './connection-draining';

/** The parts of an answer the draining touches, recording what happened to it. */
function answer() {
  const seen: string[] = [];
  const response = {
    setHeader: (name: string, value: string) => seen.push(`${name}: ${value}`),
    end: () => seen.push('end'),
  } as unknown as ServerResponse;
  return { response, seen };
}

describe('ConnectionDraining', () => {
  it('keeps connections alive while running, and closes each with its answer once stopping', () => {
    const draining = new ConnectionDraining();
    const before = answer();
    draining.markAnswer(before.response);
    expect(before.seen).toEqual([]);
    expect(draining.stopping).toBe(false);

    draining.onModuleDestroy();
    const after = answer();
    draining.markAnswer(after.response);
    expect(after.seen).toEqual(['connection: close']);
    expect(draining.stopping).toBe(true);
  });

  it('stops the writers of every stream held open, then ends it; a released stream is left alone', () => {
    const draining = new ConnectionDraining();
    const open = answer();
    const closed = answer();
    draining.holdOpen(open.response, () => open.seen.push('writers stopped'));
    draining.holdOpen(closed.response, () => closed.seen.push('writers stopped')).release();

    draining.onModuleDestroy();
    expect(open.seen).toEqual(['writers stopped', 'end']);
    expect(closed.seen).toEqual([]);
  });
});
