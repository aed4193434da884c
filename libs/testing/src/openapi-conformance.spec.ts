import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document } from 'openapi-backend';
import { assertConforms, ConformanceError, openApiValidator } from './openapi-conformance';

/** Strategy's document as it serves it (the api-client drift test keeps this copy equal to the served one). */
const strategyDocument = (): Document & { components: { schemas: Record<string, any> } } =>
  JSON.parse(readFileSync(join(__dirname, '../../api-client/openapi/strategy.json'), 'utf8'));

const orgUnit = {
  id: '0f4b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
  name: 'Sales',
  parentOrgUnitId: null,
  version: 1,
};
const response = (status: number, body: unknown, contentType = 'application/json') => ({
  method: 'POST',
  path: '/v1/org-units',
  status,
  contentType,
  body,
});

describe('the OpenAPI conformance gate', () => {
  it('passes a response the document describes, nullable fields included', async () => {
    const api = await openApiValidator(strategyDocument());
    const view = strategyDocument().components.schemas.OrgUnitView;
    const body = Object.fromEntries(Object.keys(view.properties).map((key) => [key, (orgUnit as any)[key] ?? null]));
    expect(() => assertConforms(api, response(201, body))).not.toThrow();
  });

  it('catches a body that a deliberately wrong schema does not describe', async () => {
    const document = strategyDocument();
    document.components.schemas.OrgUnitView.properties.name = { type: 'integer' };
    const api = await openApiValidator(document);
    const view = document.components.schemas.OrgUnitView;
    const body = Object.fromEntries(Object.keys(view.properties).map((key) => [key, (orgUnit as any)[key] ?? null]));
    expect(() => assertConforms(api, response(201, body))).toThrow(ConformanceError);
    expect(() => assertConforms(api, response(201, body))).toThrow(/name/);
  });

  it('catches an undocumented status and a problem body that is not a problem', async () => {
    const api = await openApiValidator(strategyDocument());
    expect(() => assertConforms(api, response(418, {}))).toThrow(/status 418 is not documented/);
    expect(() => assertConforms(api, response(400, { hello: 'world' }, 'application/problem+json'))).toThrow(
      ConformanceError,
    );
  });

  it('catches a request no operation of the document answers', async () => {
    const api = await openApiValidator(strategyDocument());
    expect(() => assertConforms(api, { ...response(200, {}), path: '/v1/nowhere' })).toThrow(/no operation/);
  });

  it('holds the ETag header to the document both ways: promised and sent, sent and promised', async () => {
    const api = await openApiValidator(strategyDocument());
    const view = strategyDocument().components.schemas.OrgUnitView;
    const body = Object.fromEntries(Object.keys(view.properties).map((key) => [key, (orgUnit as any)[key] ?? null]));
    expect(() => assertConforms(api, { ...response(201, body), etag: true })).not.toThrow();
    expect(() => assertConforms(api, { ...response(201, body), etag: false })).toThrow(/promises an ETag/);
    const page = { ...response(200, { items: [], nextCursor: null }), method: 'GET', etag: true };
    expect(() => assertConforms(api, page)).toThrow(/does not declare/);
  });
});
