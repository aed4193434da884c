import { DomainError } from '@throughline/service-kit/domain';
import { assertNoCycle } from './hierarchy';

describe('assertNoCycle', () => {
  const cases: Array<[string, string, string | null, string[], RegExp | null]> = [
    ['no parent', 'a', null, [], null],
    ['a parent above, unrelated', 'a', 'b', ['b', 'root'], null],
    ['itself as parent', 'a', 'a', ['a'], /own parentId/],
    ['its child as parent', 'a', 'child', ['child', 'a', 'root'], /cycle/],
    ['a grandchild as parent', 'a', 'grandchild', ['grandchild', 'child', 'a'], /cycle/],
  ];

  it.each(cases)('%s', (_, id, parent, ancestors, error) => {
    const check = () => assertNoCycle('unit', 'parentId', id, parent, ancestors);
    if (error) {
      expect(check).toThrow(error);
      expect(check).toThrow(DomainError);
    } else {
      expect(check).not.toThrow();
    }
  });
});
