import { ExecutionTestKit } from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { executionDatabase } from '../src/database/execution-database';

describe('execution: OpenAPI document', () => {
  let kit: ExecutionTestKit;

  beforeAll(async () => {
    kit = await ExecutionTestKit.start(AppModule, executionDatabase);
  });
  afterAll(async () => kit?.stop());

  it('documents every endpoint under /v1 with bearer auth, lists as pages, and every request field with an example', async () => {
    const response = await fetch(`${kit.service.url}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      paths: Record<string, Record<string, any>>;
      components: { schemas: Record<string, { properties: Record<string, any> }> };
    };
    for (const path of Object.keys(document.paths)) expect(path).toMatch(/^\/(v1|health|metrics)/);
    const paths = Object.keys(document.paths).filter((path) => /^\/v1\/(tasks|key-results)/.test(path));
    expect(paths.sort()).toEqual(
      [
        '/v1/key-results',
        '/v1/key-results/{keyResultId}/check-ins',
        '/v1/tasks',
        '/v1/tasks/export',
        '/v1/tasks/{taskId}',
        '/v1/tasks/{taskId}/costs',
        '/v1/tasks/{taskId}/hours',
        '/v1/tasks/{taskId}/progress',
        '/v1/tasks/{taskId}/quality-issues',
        '/v1/tasks/{taskId}/status',
      ].sort(),
    );
    for (const path of paths)
      for (const operation of Object.values(document.paths[path])) expect(operation.security).toEqual([{ bearer: [] }]);
    const listOf = (path: string) =>
      document.paths[path].get.responses['200'].content['application/json'].schema.properties.items.items.$ref;
    expect(listOf('/v1/tasks')).toBe('#/components/schemas/TaskView');
    expect(listOf('/v1/key-results')).toBe('#/components/schemas/KeyResultView');
    for (const path of ['/v1/tasks/{taskId}/status', '/v1/tasks/{taskId}/costs']) {
      expect(document.paths[path].post.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'If-Match', in: 'header', required: true })]),
      );
    }
    const bodies = paths
      .map((path) => document.paths[path])
      .flatMap((operations) =>
        Object.values(operations)
          .map((operation) => operation.requestBody?.content?.['application/json']?.schema?.$ref?.split('/').pop())
          .filter(Boolean),
      );
    expect(bodies.sort()).toEqual(
      [
        'ChangeTaskStatusDto',
        'CheckInDto',
        'CreateTaskDto',
        'RecordCostDto',
        'RecordHoursDto',
        'RecordQualityIssueDto',
        'ReportProgressDto',
      ].sort(),
    );
    for (const name of bodies) {
      const withoutExample = Object.entries(document.components.schemas[name].properties)
        .filter(([, property]) => property.example === undefined)
        .map(([field]) => field);
      expect({ name, withoutExample }).toEqual({ name, withoutExample: [] });
    }
  });
});
