import { safeReturnTo } from './session-cookie';

describe('returnTo after sign-in', () => {
  it.each([
    ['/goals/42?tab=risks', '/goals/42?tab=risks'],
    ['/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['goals', '/'],
    [undefined, '/'],
    [['/a', '/b'], '/'],
  ])('%j → %s', (given, expected) => {
    expect(safeReturnTo(given)).toBe(expected);
  });
});
