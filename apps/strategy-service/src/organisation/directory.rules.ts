import { invalid, Role } from '@throughline/service-kit/domain';

/** What a reference to a person in a request body is checked against. */
export interface PersonFacts {
  name: string;
  role: Role;
  active: boolean;
}

/**
 * A person named in a body (an owner, a manager) must be an active person of the organisation,
 * with the role the field asks for; `person` is null when no such person exists there.
 */
export function assertPersonFits(
  person: PersonFacts | null,
  personId: string,
  field: string,
  role?: Role,
): asserts person is PersonFacts {
  if (!person || !person.active) {
    throw invalid(`${field} ${personId} is not an active person of this organisation.`, [
      { field, message: 'must be an active person (GET /v1/people)' },
    ]);
  }
  if (role && person.role !== role) {
    throw invalid(`${field} ${personId} (${person.name}) is a ${person.role}, not a ${role}.`, [
      { field, message: `must be a person with role ${role}` },
    ]);
  }
}
