import { emptyFacts } from './alignment-formula';
import { PendingFacts } from './scope-facts.repository';

const goal = { scope: 'goal' as const, id: '00000000-0000-4000-8000-000000000001' };
const organisation = { scope: 'organisation' as const, id: '00000000-0000-4000-8000-000000000002' };

describe('PendingFacts', () => {
  it('sums the deltas of a run per scope and reports the scopes a non-zero delta changed, each once', () => {
    const pending = new PendingFacts();
    expect(pending.add([organisation, goal, goal], { ...emptyFacts(), liveTasks: 1, plannedCost: 500 })).toEqual([
      organisation,
      goal,
    ]);
    pending.add([goal], { ...emptyFacts(), plannedCost: -200, actualCost: 50 });
    expect(pending.of(goal)).toEqual({ ...emptyFacts(), liveTasks: 1, plannedCost: 300, actualCost: 50 });
    expect(pending.of(organisation)).toEqual({ ...emptyFacts(), liveTasks: 1, plannedCost: 500 });
  });

  it('ignores a zero delta', () => {
    const pending = new PendingFacts();
    expect(pending.add([goal], emptyFacts())).toEqual([]);
    expect(pending.of(goal)).toEqual(emptyFacts());
  });
});
