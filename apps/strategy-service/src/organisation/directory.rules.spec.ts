import { DomainError } from '@throughline/service-kit/domain';
import { assertPersonFits, PersonFacts } from './directory.rules';

describe('a person named in a request', () => {
  const milo: PersonFacts = { name: 'Milo', role: 'manager', active: true };

  it.each<[string, PersonFacts | null, string | null]>([
    ['an active manager', milo, null],
    ['nobody of the organisation', null, 'managerId m is not an active person of this organisation.'],
    ['someone who left', { ...milo, active: false }, 'managerId m is not an active person of this organisation.'],
    ['a director', { ...milo, name: 'Dana', role: 'director' }, 'managerId m (Dana) is a director, not a manager.'],
  ])('%s as the manager', (_, person, message) => {
    const check = () => assertPersonFits(person, 'm', 'managerId', 'manager');
    if (message === null) return expect(check).not.toThrow();
    expect(check).toThrow(message);
    try {
      check();
    } catch (error) {
      expect((error as DomainError).kind).toBe('invalid');
      expect((error as DomainError).fields[0].field).toBe('managerId');
    }
  });

  it('takes anyone active when the field asks for no role', () => {
    expect(() => assertPersonFits({ ...milo, role: 'admin' }, 'm', 'personId')).not.toThrow();
  });
});
