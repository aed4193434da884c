import { Parser } from '@asyncapi/parser';
import { EVENT_DEFINITIONS, renderAsyncApiJson } from '@throughline/contracts';
import { startTestService, TestService, uniqueTag } from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { integrationsDatabase } from '../src/database/integrations-database';

describe('integrations-service: event catalogue', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(AppModule, { tag: uniqueTag(), database: integrationsDatabase });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('serves the AsyncAPI document at /docs/asyncapi.json without a token, as generated', async () => {
    const response = await fetch(`${service.url}/docs/asyncapi.json`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual(JSON.parse(renderAsyncApiJson()));
    const { document, diagnostics } = await new Parser().parse(text);
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 0)).toEqual([]);
    expect(
      document!
        .allMessages()
        .all()
        .map((message) => message.name())
        .sort(),
    ).toEqual(EVENT_DEFINITIONS.map((definition) => definition.type).sort());
  });

  it('still serves the OpenAPI document of its own HTTP API', async () => {
    const response = await fetch(`${service.url}/docs/openapi.json`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { info: { title: string } }).info.title).toContain('integrations');
  });
});
