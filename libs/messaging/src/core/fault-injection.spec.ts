import { faultPlan } from './fault-injection';

describe('fault plan', () => {
  it('reads the counts of each fault', () => {
    expect(faultPlan('consumer-kill-after-commit=40, relay-kill-after-publish=3', false)).toEqual({
      consumerKillAfterCommit: 40,
      relayKillAfterPublish: 3,
    });
    expect(faultPlan(undefined, false)).toEqual({});
  });

  it.each([['consumer-kill-after-commit=0'], ['relay-kill-after-publish=two'], ['disk-full=1']])(
    'refuses %s',
    (spec) => {
      expect(() => faultPlan(spec, false)).toThrow(/THROUGHLINE_FAULTS/);
    },
  );

  it('cannot be switched on in production', () => {
    expect(() => faultPlan('relay-kill-after-publish=1', true)).toThrow(/refused/);
  });
});
