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
    const document = (await response.json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const paths = Object.keys(document.paths).filter(
      (path) => !path.startsWith('/health') && !path.startsWith('/metrics'),
    );
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
    const listOf = (path: string) =>
      (document.paths[path] as any).get.responses['200'].content['application/json'].schema.properties.items.items.$ref;
    expect(listOf('/v1/goals')).toBe('#/components/schemas/GoalView');
    expect(listOf('/v1/goals/{goalId}/budget/revisions')).toBe('#/components/schemas/BudgetRevisionView');
    const schemas = document.components.schemas;
    // Every request body schema, and the schemas nested in them.
    const refs = (value: unknown): string[] =>
      value && typeof value === 'object'
        ? Object.entries(value).flatMap(([key, inner]) =>
            key === '$ref' ? [String(inner).split('/').pop()!] : refs(inner),
          )
        : [];
    const operations = Object.values(document.paths).flatMap((path) =>
      Object.values(path as Record<string, { requestBody?: unknown }>),
    );
    const bodies = [...new Set(operations.flatMap((operation) => refs(operation.requestBody)))];
    bodies.push(...bodies.flatMap((name) => refs(schemas[name])));
    expect(bodies).toEqual(
      expect.arrayContaining([
        'CreateGoalDto',
        'UpdateGoalDto',
        'CreatePersonDto',
        'CreateKeyResultDto',
        'ReviseBudgetDto',
        'CreateDeliverableDto',
        'CreateRiskDto',
      ]),
    );
    for (const name of bodies) {
      const properties = Object.values(schemas[name].properties) as Array<{
        example?: unknown;
        $ref?: string;
        type?: string;
        items?: unknown;
      }>;
      const withoutExample = properties.filter(
        (property) =>
          property.example === undefined && !property.$ref && property.type !== 'array' && !('allOf' in property),
      );
      expect({ name, withoutExample }).toEqual({ name, withoutExample: [] });
    }
  });
});
