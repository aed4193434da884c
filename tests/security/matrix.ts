import { Role, ROLES } from '@throughline/service-kit';
import { ApiClient } from '@throughline/testing';
import { EndpointEntry, send } from './strategy-endpoints';

export const SIDES = ['own', 'other'] as const;

/** One service's matrix: its endpoints, callers of both organisations, and fixtures of the owning one. */
export interface ServiceMatrix<F> {
  endpoints: Record<string, EndpointEntry<F>>;
  own: Record<Role, ApiClient>;
  other: Record<Role, ApiClient>;
  shared: F;
  /** Resources of their own for a change that should succeed, so it never disturbs another cell. */
  fresh(): Promise<F>;
  /** Ids of the owning organisation that must never appear in an answer to the other one. */
  secrets(fixture: F): string[];
}

/** Runs every cell; returns the statuses seen and expected per cell, and any other problem. */
export async function runMatrix<F>(matrix: ServiceMatrix<F>) {
  const actual: Record<string, number> = {};
  const expected: Record<string, number> = {};
  const problems: string[] = [];
  for (const [endpoint, entry] of Object.entries(matrix.endpoints)) {
    for (const role of ROLES) {
      for (const side of SIDES) {
        const want = entry.expected[role][side];
        const fixture = want < 300 && !endpoint.startsWith('GET ') ? await matrix.fresh() : matrix.shared;
        const caller = matrix[side][role];
        const response = await send(caller, endpoint, await entry.request(fixture, caller));
        const cell = `${endpoint} as ${role} of the ${side} organisation`;
        actual[cell] = response.status;
        expected[cell] = want;
        if (response.status >= 400 && !response.headers.get('content-type')?.includes('application/problem+json'))
          problems.push(`${cell}: not problem+json`);
        if (side === 'other' && response.status < 300) {
          const body = JSON.stringify(response.body ?? '');
          const leaked = matrix.secrets(fixture).filter((id) => body.includes(id));
          if (leaked.length) problems.push(`${cell}: answered with ${leaked.join(', ')} of the other organisation`);
        }
      }
    }
  }
  return { actual, expected, problems, cells: Object.keys(actual).length };
}
