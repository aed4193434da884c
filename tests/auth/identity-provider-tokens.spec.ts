import { randomUUID } from 'node:crypto';
import {
  apiWithToken,
  buildServices,
  expectStatus,
  identityProviderToken,
  ifMatch,
  IdentityProviderProcess,
  setUpOrganisation,
  startIdentityProviderProcess,
  startTestService,
  TestOrganisation,
  TestService,
  uniqueTag,
} from '@throughline/testing';
import { AppModule as StrategyModule } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { AppModule as ExecutionModule } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';

/**
 * Sign-in with a real OpenID Connect provider (the development one, on oidc-provider): its RS256
 * access tokens, verified through its JWKS, name a login that is no Throughline id; strategy maps
 * it to a person by verified e-mail and links it, the other services ask strategy.
 */
describe('identity-provider tokens at the services', () => {
  const tag = uniqueTag();
  const client = { clientId: 'test-client', clientSecret: 'test-secret', redirectUri: 'http://127.0.0.1:9/callback' };
  const dana = { name: 'Dana Director', email: `dana.${tag}@example.com`, password: 'dana-pw' };
  const stranger = { name: 'Sol Stranger', email: `sol.${tag}@example.com`, password: 'sol-pw' };
  let idp: IdentityProviderProcess;
  let strategy: TestService;
  let execution: TestService;
  let org: TestOrganisation;
  let danaId: string;

  beforeAll(async () => {
    buildServices();
    idp = await startIdentityProviderProcess({
      users: [dana, stranger],
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUris: [client.redirectUri],
    });
    strategy = await startTestService(StrategyModule, { tag, database: strategyDatabase, env: idp.serviceEnv });
    execution = await startTestService(ExecutionModule, {
      tag,
      database: executionDatabase,
      env: { ...idp.serviceEnv, AUTH_DIRECTORY_URL: strategy.url },
    });
    org = await setUpOrganisation(strategy.url, `Identity ${tag}`);
    danaId = (await org.addPerson('director', { name: dana.name, email: dana.email.toUpperCase() })).id;
  }, 400_000);

  afterAll(async () => {
    await execution?.stop();
    await strategy?.stop();
    await idp?.stop();
  });

  it('maps the login to the person by verified e-mail: who am I, with role and organisation from the record', async () => {
    const token = await identityProviderToken(idp, client, dana);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: idp.issuer, email: dana.email, email_verified: true });
    expect(claims.sub).not.toBe(danaId);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).alg).toBe('RS256');

    const me = expectStatus(await apiWithToken(strategy.url, token).get('/v1/people/me'), 200);
    expect(me).toMatchObject({
      person: { id: danaId, role: 'director', name: dana.name },
      organisation: { id: org.orgId, name: `Identity ${tag}` },
      orgUnit: { id: org.departmentUnitId, name: 'Product engineering' },
    });
  });

  it('keeps the link when the e-mail changes later (the stored external subject)', async () => {
    const person = expectStatus(await org.admin.get(`/v1/people/${danaId}`), 200);
    expectStatus(
      await org.admin.patch(`/v1/people/${danaId}`, { email: `renamed.${tag}@example.com` }, ifMatch(person.version)),
      200,
    );
    const token = await identityProviderToken(idp, client, dana);
    expect(expectStatus(await apiWithToken(strategy.url, token).get('/v1/people/me'), 200).person.id).toBe(danaId);
  });

  it('lets the other services identify the same token through the person directory', async () => {
    const token = await identityProviderToken(idp, client, dana);
    const tasks = await apiWithToken(execution.url, token).get('/v1/tasks');
    expect(tasks.status).toBe(200);
    expect(tasks.body.items).toEqual([]);
  });

  it('refuses a login no person has, as problem+json saying why', async () => {
    const token = await identityProviderToken(idp, client, stranger);
    for (const [url, path] of [
      [strategy.url, '/v1/people/me'],
      [execution.url, '/v1/tasks'],
    ]) {
      const response = await apiWithToken(url, token).get(path);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.detail).toContain(`No Throughline person has the e-mail ${stranger.email}`);
    }
  });

  it('refuses a token signed by anyone else, and still accepts development tokens', async () => {
    const token = await identityProviderToken(idp, client, dana);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`;
    expect((await apiWithToken(strategy.url, forged).get('/v1/people/me')).status).toBe(401);
    expect((await org.director.api.get('/v1/people/me')).status).toBe(200);
    expect((await apiWithToken(strategy.url, null).get(`/v1/people/${randomUUID()}`)).status).toBe(401);
  });
});
