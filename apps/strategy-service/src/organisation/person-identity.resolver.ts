import { Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { Actor, IdentityResolver, TokenIdentity } from '@throughline/service-kit';
import { Person } from './person.entity';

/**
 * Maps an identity provider's login to a person of the directory: by the issuer and subject
 * linked before, else by the verified e-mail of exactly one active, not yet linked person, whom
 * this first sign-in links. Role and organisation come from the person record, never the token.
 */
@Injectable()
export class PersonIdentityResolver implements IdentityResolver {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async resolve(identity: TokenIdentity): Promise<Actor> {
    const linked = await this.dataSource.manager.findOne(Person, {
      where: { externalIssuer: identity.issuer, externalSubject: identity.subject },
    });
    if (linked) return actorOf(linked);
    if (!identity.email || !identity.emailVerified)
      throw new UnauthorizedException(
        'No Throughline person is linked to this login, and it carries no verified e-mail to find one by.',
      );
    const candidates = await this.dataSource.manager
      .createQueryBuilder(Person, 'person')
      .where('lower(person.email) = lower(:email) AND person.external_subject IS NULL', { email: identity.email })
      .getMany();
    if (candidates.length === 0)
      throw new UnauthorizedException(
        `No Throughline person has the e-mail ${identity.email}; ask an admin to add you.`,
      );
    if (candidates.length > 1)
      throw new UnauthorizedException(
        `Several people have the e-mail ${identity.email} (in different organisations); an admin must link your login.`,
      );
    const [person] = candidates;
    // Linked once; a concurrent first sign-in of the same login links the same row to the same values.
    await this.dataSource.manager.update(
      Person,
      { id: person.id, externalSubject: IsNull() },
      { externalIssuer: identity.issuer, externalSubject: identity.subject },
    );
    return actorOf(person);
  }
}

function actorOf(person: Person): Actor {
  if (!person.active) throw new UnauthorizedException(`${person.name} is no longer active in the organisation.`);
  return { personId: person.id, orgId: person.orgId, role: person.role };
}
