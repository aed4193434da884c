import { DomainError } from '@throughline/service-kit/domain';
import { assertMayRead } from './read-access.rules';

type Scope = 'goal' | 'manager' | 'org_unit' | 'organisation';
const team = new Set(['dana', 'mia']);

describe('who reads which scores and KPIs', () => {
  it.each<[string, string, Scope, string, ReadonlySet<string> | undefined, 'read' | 'forbidden' | 'not_found']>([
    ['mia', 'manager', 'manager', 'mia', undefined, 'read'],
    ['mia', 'manager', 'manager', 'max', undefined, 'forbidden'],
    ['mia', 'manager', 'goal', 'g1', undefined, 'forbidden'],
    ['mia', 'manager', 'organisation', 'o1', undefined, 'forbidden'],
    ['dana', 'director', 'manager', 'mia', team, 'read'],
    ['dana', 'director', 'manager', 'max', team, 'not_found'],
    ['dana', 'director', 'goal', 'g1', undefined, 'read'],
    ['dana', 'director', 'organisation', 'o1', undefined, 'read'],
    ['ivy', 'integrator', 'manager', 'max', undefined, 'read'],
    ['ada', 'admin', 'org_unit', 'u1', undefined, 'read'],
  ])('%s (%s) reading %s %s → %s', (personId, role, scope, scopeId, readerTeam, expected) => {
    let outcome: string = 'read';
    try {
      assertMayRead({ personId, role }, scope, scopeId, readerTeam);
    } catch (error) {
      outcome = (error as DomainError).kind;
    }
    expect(outcome).toBe(expected);
  });
});
