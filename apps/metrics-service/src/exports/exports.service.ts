import { Injectable } from '@nestjs/common';
import { Actor, DomainError, Sheet, SheetValue } from '@throughline/service-kit';
import { KpisService } from '../kpis/kpis.service';
import { COMPONENT_NAMES, ScopeKind } from '../scoring/alignment-formula';
import { ScoreView } from '../scoring/dto/score.dto';
import { ScoresService } from '../scoring/scores.service';
import { ExportHistoryQueryDto, ExportKpisQueryDto } from './dto/export.dto';

/** One page of a list read (the list endpoints' limit); exports read page after page. */
const PAGE = 200;

const componentColumns = COMPONENT_NAMES.map((name) => ({ key: name, header: `${name} (0–100)` }));

function componentValues(components: Array<{ name: string; value: number | null }>): Record<string, SheetValue> {
  return Object.fromEntries(components.map((component) => [component.name, component.value]));
}

/**
 * Scores, score history and KPIs as sheets, read through the same services (and so the same
 * access rules) as the JSON endpoints: a sheet holds what its reader may see, nothing more.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly scores: ScoresService,
    private readonly kpis: KpisService,
  ) {}

  /** Every score the reader may see: a manager their own, others the organisation, units, managers and goals. */
  async scoreSheet(actor: Actor): Promise<Sheet> {
    const views: ScoreView[] = [];
    // A scope scored nothing yet is left out of the sheet rather than failing the export.
    const scored = async (scope: ScopeKind, id: string) => {
      try {
        views.push(await this.scores.score(actor, scope, id));
      } catch (error) {
        if (!(error instanceof DomainError && error.kind === 'not_found')) throw error;
      }
    };
    if (actor.role === 'manager') await scored('manager', actor.personId);
    else {
      await scored('organisation', actor.orgId);
      for (const scope of ['org_unit', 'manager', 'goal'] as ScopeKind[])
        for (let offset = 0; ; offset += PAGE) {
          const page = await this.scores.list(actor, scope, { limit: PAGE, offset });
          views.push(...page.items);
          if (offset + PAGE >= page.page.total) break;
        }
    }
    return {
      name: 'Scores',
      columns: [
        { key: 'scope' },
        { key: 'id', width: 38 },
        { key: 'name', width: 40 },
        { key: 'score' },
        { key: 'band' },
        ...componentColumns,
        { key: 'asOf' },
        { key: 'computedAt', width: 26 },
      ],
      rows: views.map((view) => ({
        scope: view.scope,
        id: view.scopeId,
        name: view.name,
        score: view.score,
        band: view.band,
        ...componentValues(view.components),
        asOf: view.asOf,
        computedAt: view.computedAt,
      })),
    };
  }

  /** One scope's score over time, every recorded change in the range. */
  async historySheet(actor: Actor, scope: ScopeKind, id: string, query: ExportHistoryQueryDto): Promise<Sheet> {
    const rows: Array<Record<string, SheetValue>> = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.scores.history(actor, scope, id, { ...query, limit: PAGE, offset });
      for (const point of page.items)
        rows.push({ at: point.at, score: point.score, band: point.band, ...componentValues(point.components) });
      if (offset + PAGE >= page.page.total) break;
    }
    return {
      name: 'Score history',
      columns: [{ key: 'at', width: 26 }, { key: 'score' }, { key: 'band' }, ...componentColumns],
      rows,
    };
  }

  /** KPIs by week or month: a manager's own, or the organisation's (or a unit's) for everyone else. */
  async kpiSheet(actor: Actor, query: ExportKpisQueryDto): Promise<Sheet> {
    const history =
      actor.role === 'manager'
        ? await this.kpis.managerHistory(actor, actor.personId, query)
        : await this.kpis.organisationHistory(actor, query);
    const rows = history.points.map((point) => flatten(point as unknown as Record<string, unknown>));
    const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    return { name: 'KPIs', columns: keys.map((key) => ({ key })), rows };
  }
}

/** Nested figures become dotted columns (budget.spentMinor); lists are not part of a KPI point. */
function flatten(value: Record<string, unknown>, prefix = ''): Record<string, SheetValue> {
  const row: Record<string, SheetValue> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner))
      Object.assign(row, flatten(inner as Record<string, unknown>, `${prefix}${key}.`));
    else if (!Array.isArray(inner)) row[`${prefix}${key}`] = inner as SheetValue;
  }
  return row;
}
