import { liveMessageOf, LiveMessage, mayReceive } from './live-visibility.rules';

const org = 'org-1';
const mia = { personId: 'mia', orgId: org, role: 'manager' };
const max = { personId: 'max', orgId: org, role: 'manager' };
const dana = { personId: 'dana', orgId: org, role: 'director' };
const outsider = { personId: 'olga', orgId: 'org-2', role: 'director' };
const integrator = { personId: 'ivan', orgId: org, role: 'integrator' };

const message = (fields: Partial<LiveMessage> & { type: string }): LiveMessage => ({ orgId: org, ...fields });

describe('live stream visibility', () => {
  it.each([
    [
      'a task of Mia',
      message({ type: 'task.cost-recorded', taskId: 't', managerId: 'mia', goalId: 'g' }),
      [true, false, true],
    ],
    [
      'a check-in by Max',
      message({ type: 'key-result.checked-in', keyResultId: 'k', managerId: 'max' }),
      [false, true, true],
    ],
    [
      'Mia’s score',
      message({ type: 'alignment-score.changed', scope: 'manager', scopeId: 'mia' }),
      [true, false, true],
    ],
    ['a goal’s score', message({ type: 'alignment-score.changed', scope: 'goal', scopeId: 'g' }), [true, true, true]],
    [
      'the organisation’s score',
      message({ type: 'alignment-score.changed', scope: 'organisation', scopeId: org }),
      [false, false, true],
    ],
    ['a unit’s alert', message({ type: 'alert.raised', scope: 'org_unit', scopeId: 'u' }), [false, false, true]],
    ['a goal activated', message({ type: 'goal.activated', goalId: 'g' }), [true, true, true]],
    ['a risk raised', message({ type: 'risk.raised', goalId: 'g', riskId: 'r' }), [false, false, true]],
    ['a person added', message({ type: 'person.created', personId: 'p' }), [false, false, true]],
  ])('%s reaches Mia, Max, Dana: %j', (_, event, [toMia, toMax, toDana]) => {
    expect([mayReceive(mia, event), mayReceive(max, event), mayReceive(dana, event)]).toEqual([toMia, toMax, toDana]);
  });

  it('never crosses organisations, and integrators use webhooks instead', () => {
    const event = message({ type: 'goal.activated', goalId: 'g' });
    expect(mayReceive(outsider, event)).toBe(false);
    expect(mayReceive(integrator, event)).toBe(false);
  });

  it('carries the short type, the organisation and ids only, never figures', () => {
    expect(
      liveMessageOf({
        type: 'throughline.task.cost-recorded.v1',
        orgid: org,
        data: { taskId: 't', goalId: null, managerId: 'mia', amount: 1200, currency: 'EUR' },
      }),
    ).toEqual({ type: 'task.cost-recorded', orgId: org, taskId: 't', managerId: 'mia' });
    expect(liveMessageOf({ type: 'throughline.goal.created.v1', data: {} })).toBeNull();
  });
});
