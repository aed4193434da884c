import { Inject, Injectable } from '@nestjs/common';
import { PersonMe } from '@throughline/service-kit';
import { BFF_SETTINGS, DashboardBffEnv } from '../dashboard-bff.config';
import { SessionPerson } from '../sessions/sessions.service';

export type WhoIs =
  | { kind: 'known'; person: SessionPerson; organisation: { id: string; name: string } }
  | { kind: 'unknown'; detail: string }
  | { kind: 'unavailable'; detail: string };

/** Who a freshly signed-in login is, asked of strategy's `GET /v1/people/me` with the login's own token. */
@Injectable()
export class PersonDirectory {
  constructor(@Inject(BFF_SETTINGS) private readonly settings: DashboardBffEnv) {}

  async whoIs(accessToken: string): Promise<WhoIs> {
    let response: Response;
    try {
      response = await fetch(new URL('/v1/people/me', this.settings.STRATEGY_URL), {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      return { kind: 'unavailable', detail: 'The strategy service cannot be reached; try again in a moment.' };
    }
    if (response.status === 401 || response.status === 403 || response.status === 404) {
      const problem = (await response.json().catch(() => ({}))) as { detail?: string };
      return { kind: 'unknown', detail: problem.detail ?? 'No Throughline person has this login.' };
    }
    if (!response.ok)
      return {
        kind: 'unavailable',
        detail: `The strategy service answered ${response.status}; try again in a moment.`,
      };
    const me = (await response.json()) as PersonMe;
    const { id, name, email, role, orgUnitId } = me.person;
    return { kind: 'known', person: { id, name, email, role, orgUnitId }, organisation: me.organisation };
  }
}
