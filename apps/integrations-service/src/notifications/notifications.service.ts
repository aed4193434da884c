import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, DomainError, forbidden, invalid, notFound } from '@throughline/service-kit';
import { checkEndpointUrl } from '../webhooks/endpoint-url';
import { NotificationPreferencesDto, SendNowResultDto, UnsubscribedDto } from './dto/notification.dto';
import { NotificationPlanner } from './notification-planner.service';
import { isUnsubscribeToken, Preferences, readPreferences, writePreferences } from './notification-preferences';
import { NOTIFICATION_SETTINGS, NotificationSettings } from './notification-settings';
import { isTimeZone } from './schedule.rules';

@Injectable()
export class NotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly planner: NotificationPlanner,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
  ) {}

  async preferences(actor: Actor): Promise<NotificationPreferencesDto> {
    return readPreferences(this.dataSource.manager, await this.person(actor));
  }

  async choose(actor: Actor, body: NotificationPreferencesDto): Promise<NotificationPreferencesDto> {
    const person = await this.person(actor);
    if (!isTimeZone(body.timeZone))
      throw invalid(`timeZone "${body.timeZone}" is not an IANA time zone, e.g. Europe/Berlin.`, 'timeZone');
    if ((body.quietHoursStart === null) !== (body.quietHoursEnd === null))
      throw invalid('Give both quietHoursStart and quietHoursEnd, or neither.', 'quietHoursEnd');
    let chatWebhookUrl: string | null = null;
    if (body.chatWebhookUrl !== null) {
      try {
        chatWebhookUrl = checkEndpointUrl(body.chatWebhookUrl, { production: this.settings.production });
      } catch (error) {
        if (error instanceof DomainError) throw invalid(error.message, 'chatWebhookUrl');
        throw error;
      }
      if (!body.chatFormat) throw invalid('Say which format the chat webhook takes: slack or teams.', 'chatFormat');
    }
    const preferences: Preferences = { ...body, chatWebhookUrl, chatFormat: chatWebhookUrl ? body.chatFormat : null };
    await writePreferences(this.dataSource.manager, { personId: person.personId, orgId: actor.orgId }, preferences);
    return preferences;
  }

  async sendNow(actor: Actor, kind: 'digest' | 'reminder', personIds?: string[]): Promise<SendNowResultDto> {
    // A director or manager sends their own; sending for others is for admins (and directors' reminders to managers).
    const forOthers = actor.role === 'admin' || (kind === 'reminder' && actor.role === 'director');
    if (!forOthers && personIds && personIds.some((id) => id !== actor.personId))
      throw forbidden(`A ${actor.role} sends only their own ${kind}.`);
    return this.planner.queueNow(actor.orgId, kind, actor.personId, forOthers ? personIds : [actor.personId]);
  }

  async unsubscribe(personId: string, token: string): Promise<UnsubscribedDto> {
    if (!isUnsubscribeToken(personId, token, this.settings.unsubscribeSecret))
      throw notFound('Unsubscribe link', personId, 'This unsubscribe link is not valid: use the one in the e-mail.');
    const [person] = await this.dataSource.query(`SELECT person_id, org_id, role FROM person_rm WHERE person_id = $1`, [
      personId,
    ]);
    if (!person) throw notFound('Person', personId);
    const preferences = await readPreferences(this.dataSource.manager, { personId, role: person.role });
    await writePreferences(
      this.dataSource.manager,
      { personId, orgId: person.org_id },
      { ...preferences, emailEnabled: false },
    );
    return { personId, emailEnabled: false };
  }

  private async person(actor: Actor): Promise<{ personId: string; role: string }> {
    const [person] = await this.dataSource.query(
      `SELECT person_id AS "personId", role FROM person_rm WHERE person_id = $1 AND org_id = $2`,
      [actor.personId, actor.orgId],
    );
    if (!person)
      throw notFound(
        'Person',
        actor.personId,
        'Notifications know you once your person record has reached this service.',
      );
    return person;
  }
}
