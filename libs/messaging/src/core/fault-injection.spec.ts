import { faultPlanFromEnv } from './fault-injection';

describe('fault plan', () => {
  it('reads the counts of each fault', () => {
    expect(
      faultPlanFromEnv({ THROUGHLINE_FAULTS: 'consumer-kill-after-commit=40, relay-kill-after-publish=3' }),
    ).toEqual({ consumerKillAfterCommit: 40, relayKillAfterPublish: 3 });
    expect(faultPlanFromEnv({})).toEqual({});
  });

  it.each([['consumer-kill-after-commit=0'], ['relay-kill-after-publish=two'], ['disk-full=1']])(
    'refuses %s',
    (spec) => {
      expect(() => faultPlanFromEnv({ THROUGHLINE_FAULTS: spec })).toThrow(/THROUGHLINE_FAULTS/);
    },
  );

  it('cannot be switched on in production', () => {
    expect(() =>
      faultPlanFromEnv({ THROUGHLINE_FAULTS: 'relay-kill-after-publish=1', NODE_ENV: 'production' }),
    ).toThrow(/refused/);
  });
});
