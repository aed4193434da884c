import { homePath, seesOrganisation, signInUrl } from './session-state';

describe('session', () => {
  it('starts sign-in coming back to the page the person was on, never to another site', () => {
    expect(signInUrl('/goals/42?tab=risks')).toBe('/auth/login?returnTo=%2Fgoals%2F42%3Ftab%3Drisks');
    expect(signInUrl('//evil.example/x')).toBe('/auth/login?returnTo=%2F');
    expect(signInUrl('https://evil.example')).toBe('/auth/login?returnTo=%2F');
  });

  it('sends directors to the organisation and managers to their tasks', () => {
    expect(homePath('director')).toBe('/overview');
    expect(homePath('manager')).toBe('/my/tasks');
    expect(seesOrganisation('admin')).toBe(true);
    expect(seesOrganisation('manager')).toBe(false);
  });
});
