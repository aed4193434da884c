import { formProblems, toProblem } from './problem';

describe('problem details', () => {
  it('reads a service problem with its field errors', () => {
    const problem = toProblem(400, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'title: must not be empty',
      errors: [{ field: 'title', message: 'must not be empty' }, { bogus: true }],
    });
    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'title: must not be empty',
      errors: [{ field: 'title', message: 'must not be empty' }],
    });
  });

  it('describes a body-less gateway failure instead of showing nothing', () => {
    expect(toProblem(502, undefined)).toEqual({
      status: 502,
      title: 'The service is not available right now',
      detail: undefined,
    });
    expect(toProblem(0, '').title).toBe('The server could not be reached');
  });

  it('puts each field error at the form field it names, nested ones at their parent', () => {
    const problem = toProblem(400, {
      title: 'Bad Request',
      errors: [
        { field: 'budget.amountMinor', message: 'must be a positive integer' },
        { field: 'title', message: 'must not be empty' },
        { field: 'title', message: 'at most 200 characters' },
        { field: 'ownerId', message: 'unknown person' },
      ],
    });
    expect(formProblems(problem, ['title', 'budget'])).toEqual({
      byField: { budget: 'must be a positive integer', title: 'must not be empty; at most 200 characters' },
      general: ['ownerId: unknown person'],
    });
  });

  it('shows a problem without field errors at the top of the form', () => {
    const problem = toProblem(409, { title: 'Conflict', detail: 'A task cannot move from done to todo.' });
    expect(formProblems(problem, ['to'])).toEqual({ byField: {}, general: ['A task cannot move from done to todo.'] });
  });
});
