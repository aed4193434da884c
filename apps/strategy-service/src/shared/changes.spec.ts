import { changedFields, hasChanges } from './changes';

describe('changedFields', () => {
  const current = { title: 'Launch', weight: 1, parentId: 'a' as string | null };

  it.each([
    ['nothing sent', {}, {}],
    ['the same values', { title: 'Launch', weight: 1 }, {}],
    ['undefined means leave as is', { title: undefined }, {}],
    ['a new value', { title: 'Launch X200', weight: 1 }, { title: 'Launch X200' }],
    ['null clears', { parentId: null }, { parentId: null }],
  ])('%s', (_, input, expected) => {
    const changes = changedFields(current, input);
    expect(changes).toEqual(expected);
    expect(hasChanges(changes)).toBe(Object.keys(expected).length > 0);
  });
});
