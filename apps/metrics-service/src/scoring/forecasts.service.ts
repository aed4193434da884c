import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor, notFound } from '@throughline/service-kit';
import { assertMayRead } from '../access/read-access.rules';
import { ScopeKind } from './alignment-formula';
import { ForecastView } from './dto/forecast.dto';
import { reportingTeam } from './reporting-team';
import { readScopeOutlooks } from './scope-outlooks.repository';
import { SCOPE_NAMES } from './scores.service';

/** Forecasts at completion, computed at read time from a scope's stored facts (forecast.rules.ts). */
@Injectable()
export class ForecastsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async forecast(actor: Actor, scope: ScopeKind, scopeId: string): Promise<ForecastView> {
    // A scope is known once it has a score; its facts as of the organisation's day (a time pass moves both).
    const [outlook] = await readScopeOutlooks(this.dataSource.manager, actor.orgId, [{ scope, id: scopeId }]);
    if (!outlook.forecast)
      throw notFound(
        SCOPE_NAMES[scope],
        scopeId,
        `${SCOPE_NAMES[scope]} ${scopeId} has no score, so no forecast, in your organisation (yet).`,
      );
    // After the lookup, so another organisation's id answers 404 whatever the role (docs/security.md).
    assertMayRead(actor, scope, scopeId, scope === 'manager' ? await reportingTeam(this.dataSource, actor) : undefined);
    return {
      scope,
      scopeId,
      name: outlook.name,
      asOf: outlook.asOf,
      currency: outlook.currency,
      ...outlook.forecast,
    };
  }
}
