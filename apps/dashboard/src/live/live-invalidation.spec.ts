import { eventName, staleServices } from './live-invalidation';

describe('live invalidation', () => {
  it('reads the event name from a full or short type', () => {
    expect(eventName('throughline.task.cost-recorded.v1')).toBe('task.cost-recorded');
    expect(eventName('alignment-score.changed')).toBe('alignment-score.changed');
  });

  it('refreshes what each kind of change touches', () => {
    expect(staleServices('throughline.alignment-score.changed.v1')).toEqual(['metrics']);
    expect(staleServices('alert.raised')).toEqual(['metrics']);
    expect(staleServices('task.status-changed')).toEqual(['execution', 'metrics']);
    expect(staleServices('key-result.checked-in')).toEqual(['execution', 'metrics']);
    expect(staleServices('key-result.added')).toEqual(['strategy', 'execution', 'metrics']);
    expect(staleServices('deliverable.changed')).toEqual(['strategy', 'execution', 'metrics']);
    expect(staleServices('person.updated')).toEqual(['strategy', 'metrics']);
  });

  it('refreshes everything for an event it does not know, rather than showing stale figures', () => {
    expect(staleServices('something.new')).toEqual(['strategy', 'execution', 'metrics']);
  });
});
