import { startStrategy } from './strategy-fixture';

describe('strategy: OpenAPI document', () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;

  beforeAll(async () => {
    strategy = await startStrategy();
  });
  afterAll(async () => strategy?.stop());

  it('documents every endpoint under /v1 with bearer auth, and request bodies with examples', async () => {
    const response = await fetch(`${strategy.service.url}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
    const paths = Object.keys(document.paths).filter((path) => !path.startsWith('/health') && !path.startsWith('/metrics'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/organisations',
        '/v1/org-units/{orgUnitId}',
        '/v1/people/{personId}',
        '/v1/goals/{goalId}/close',
        '/v1/goals/{goalId}/key-results/{keyResultId}',
        '/v1/goals/{goalId}/budget/revisions',
        '/v1/goals/{goalId}/deliverables/{deliverableId}',
        '/v1/goals/{goalId}/risks/{riskId}',
      ]),
    );
    for (const path of paths) expect(path).toMatch(/^\/v1\//);
    const schemas = document.components.schemas;
    const bodies = Object.keys(schemas).filter((name) => name.endsWith('Dto'));
    expect(bodies).toEqual(expect.arrayContaining(['CreateGoalDto', 'UpdateGoalDto', 'CreatePersonDto', 'CreateKeyResultDto', 'ReviseBudgetDto', 'CreateDeliverableDto', 'CreateRiskDto']));
    for (const name of bodies) {
      const properties = Object.values(schemas[name].properties) as Array<{ example?: unknown; $ref?: string; type?: string; items?: unknown }>;
      const withoutExample = properties.filter((property) => property.example === undefined && !property.$ref && property.type !== 'array' && !('allOf' in property));
      expect({ name, withoutExample }).toEqual({ name, withoutExample: [] });
    }
  });
});
