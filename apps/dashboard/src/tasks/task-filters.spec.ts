import { filtersFrom, taskQuery } from './task-filters';

describe('task filters', () => {
  it('reads the filters from the address, ignoring what is not a filter value', () => {
    expect(filtersFrom(new URLSearchParams('status=blocked&goal=g1&overdue=true'))).toEqual({
      status: 'blocked',
      goalId: 'g1',
      linked: undefined,
      overdue: true,
    });
    expect(filtersFrom(new URLSearchParams('status=sleeping&goal=unlinked&overdue=maybe'))).toEqual({
      status: undefined,
      goalId: undefined,
      linked: false,
      overdue: undefined,
    });
  });

  it('asks the API only for the filters that are set', () => {
    expect(taskQuery({ status: 'todo', goalId: undefined, linked: false })).toEqual({ status: 'todo', linked: false });
    expect(taskQuery({})).toEqual({});
  });
});
