import { tokenScopes } from './actor';

describe('token scopes', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['openid profile email', []],
    ['measurements:write', ['measurements:write']],
    ['openid measurements:write', ['measurements:write']],
    ['measurements:write measurements:write', ['measurements:write']],
    ['measurements:read', []],
    [['measurements:write'], []],
  ])('reads the scope claim %j as %j', (claim, scopes) => {
    expect(tokenScopes(claim)).toEqual(scopes);
  });
});
