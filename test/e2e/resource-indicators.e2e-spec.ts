import { Controller, Get, INestApplication, Req, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AccessTokenClaims, RemoteRevocationFeed, RequireScopes, ResourceServerGuard, ResourceServerModule } from '@nest-oauth/resource-server';
import request from 'supertest';
import { authorize, authorizationPath, TestClient } from '../support/authorize-flow';
import { registerResourceServerClient } from '../support/access-tokens';
import { basicAuth, createParty, introspect, jwtPayload, Party, refresh, tokenRequest } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';
import { eventually } from '../support/timing';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };
const INVOICES = 'https://invoices.example.com';
const REPORTS = 'https://reports.example.com/v1';

/** A service guarded for one audience, as another team would build it on the package. */
@Controller()
@UseGuards(ResourceServerGuard)
class AnyApiController {
  @Get('whoami')
  whoami(@Req() req: { user: AccessTokenClaims }): { aud: string | string[] } {
    return { aud: req.user.aud };
  }

  @Get('reports')
  @RequireScopes('reports:read')
  reports(): string[] {
    return ['q3'];
  }
}

describe.each(databases)('resource indicators (RFC 8707) on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  let machine: TestClient;
  const services: INestApplication[] = [];

  beforeAll(async () => {
    app = await createTestApp({ databaseUrl, listen: true });
    const register = (body: object) => app.http().post('/admin/resources').set(AUTH).send(body);
    expect((await register({ identifier: INVOICES, name: 'Invoices', scopes: [{ name: 'invoices:read', description: 'Read your invoices' }], access_token_ttl: 120 })).status).toBe(201);
    expect((await register({ identifier: REPORTS, name: 'Reports', scopes: [{ name: 'reports:read', description: 'Read your reports' }] })).status).toBe(201);
    party = await createParty(app, { scope: 'openid offline_access notes:read invoices:read reports:read' });
    machine = (await createParty(app, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'invoices:read reports:read' })).client;
  });
  afterAll(async () => {
    for (const service of services) await service.close();
    await app.close();
  });

  async function codeFor(resources: string[], scope: string) {
    const result = await authorize(app, { client_id: party.client.client_id, redirect_uri: party.client.redirect_uri, scope, user: party.user, cookies: party.cookies, extra: { resource: resources } });
    expect(result.error).toBeUndefined();
    return result;
  }
  const exchange = (code: { code?: string; verifier: string }, extra: Record<string, string> = {}) =>
    tokenRequest(app, party.client, { grant_type: 'authorization_code', code: code.code!, redirect_uri: party.client.redirect_uri, code_verifier: code.verifier, ...extra });

  it('issues a token for the one resource a grant names, with its scope, its lifetime and its aud', async () => {
    const res = await exchange(await codeFor([INVOICES], 'openid invoices:read'));
    expect(res.status).toBe(200);
    expect(jwtPayload(res.body.access_token)).toMatchObject({ aud: INVOICES, scope: 'openid invoices:read' });
    expect(res.body.expires_in).toBe(120);
    expect(await introspect(app, party.client, res.body.access_token)).toMatchObject({ active: true, aud: INVOICES });
  });

  it('keeps a request without resource for ACCESS_TOKEN_AUDIENCE, as before', async () => {
    const res = await exchange(await codeFor([], 'openid notes:read'));
    expect(jwtPayload(res.body.access_token)).toMatchObject({ aud: app.config.accessTokenAudience, scope: 'openid notes:read' });
    expect(res.body.expires_in).toBe(app.config.accessTokenTtlSeconds);
  });

  it('needs resource at the token endpoint for a grant of several, and refreshes down to one granted resource', async () => {
    const code = await codeFor([INVOICES, REPORTS], 'openid offline_access invoices:read reports:read');
    const unnamed = await exchange(code);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body).toEqual({ error: 'invalid_target', error_description: expect.stringMatching(/several resources/) });

    const first = await exchange(code, { resource: INVOICES });
    expect(first.status).toBe(200);
    expect(jwtPayload(first.body.access_token)).toMatchObject({ aud: INVOICES, scope: 'openid offline_access invoices:read' });

    const forReports = await refresh(app, party.client, first.body.refresh_token, { resource: REPORTS });
    expect(forReports.status).toBe(200);
    expect(jwtPayload(forReports.body.access_token)).toMatchObject({ aud: REPORTS, scope: 'openid offline_access reports:read' });

    const notGranted = await refresh(app, party.client, forReports.body.refresh_token, { resource: app.config.accessTokenAudience });
    expect(notGranted.status).toBe(400);
    expect(notGranted.body.error).toBe('invalid_target');
    const narrowed = await refresh(app, party.client, forReports.body.refresh_token, { resource: REPORTS, scope: 'reports:read' });
    expect(narrowed.status).toBe(200);
    expect(jwtPayload(narrowed.body.access_token)).toMatchObject({ aud: REPORTS, scope: 'reports:read' });
    const foreignScope = await refresh(app, party.client, narrowed.body.refresh_token, { resource: REPORTS, scope: 'invoices:read' });
    expect(foreignScope.body).toMatchObject({ error: 'invalid_target', error_description: expect.stringMatching(/invoices:read is not a scope of/) });
  });

  it.each([
    ['an unknown resource', { resource: 'https://unknown.example.com', scope: 'openid' }, /resource https:\/\/unknown.example.com is not registered/],
    ['a scope of another resource', { resource: INVOICES, scope: 'openid reports:read' }, /reports:read is not a scope of https:\/\/invoices.example.com/],
    ['a scope of the default resource without naming it', { resource: REPORTS, scope: 'notes:read' }, /notes:read is not a scope of/],
    ['a relative resource', { resource: '/invoices', scope: 'openid' }, /resource must be an absolute URI/],
    ['a resource with a fragment', { resource: `${INVOICES}#frag`, scope: 'openid' }, /resource must not contain a fragment/],
    ['a resource repeated 1 000 times', { resource: Array(1000).fill(INVOICES), scope: 'openid' }, /at most 10 resource parameters/],
  ])('redirects invalid_target at /authorize for %s', async (_case, params, description) => {
    // As a form post (RFC 6749 §3.1): a thousand resources do not fit in a request line.
    const query = authorizationPath(party.client, { ...params, state: 's-1' }).slice('/authorize?'.length);
    const res = await app.http().post('/authorize').type('form').send(query);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('error_description')).toMatch(description);
    expect(location.searchParams.get('state')).toBe('s-1');
  });

  it('answers client credentials for the named resource only', async () => {
    const invoices = await tokenRequest(app, machine, { grant_type: 'client_credentials', resource: INVOICES });
    expect(invoices.status).toBe(200);
    expect(jwtPayload(invoices.body.access_token)).toMatchObject({ aud: INVOICES, scope: 'invoices:read' });
    const foreign = await tokenRequest(app, machine, { grant_type: 'client_credentials', resource: INVOICES, scope: 'reports:read' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe('invalid_target');
  });

  it('answers 400 invalid_target at /token for bad resource parameters, never a 5xx', async () => {
    const form = (resource: string[]) => {
      const body = new URLSearchParams({ grant_type: 'client_credentials' });
      for (const value of resource) body.append('resource', value);
      return app.http().post('/token').type('form').set('Authorization', basicAuth(machine.client_id, machine.client_secret!)).send(body.toString());
    };
    const repeated = await form(Array(1000).fill(INVOICES));
    expect(repeated.status).toBe(400);
    expect(repeated.body).toEqual({ error: 'invalid_target', error_description: expect.stringMatching(/at most 10 resource parameters/) });
    expect((await form(['not a uri'])).body.error).toBe('invalid_target');
    expect((await form([`${INVOICES}#x`])).body.error_description).toMatch(/fragment/);
    expect((await form(['https://unknown.example.com'])).body.error_description).toMatch(/is not registered/);
    expect((await form([INVOICES, REPORTS])).body.error_description).toMatch(/one resource per token request/);
  });

  it('has a guard configured for one resource refuse a token for the other', async () => {
    const { clientId, clientSecret } = await registerResourceServerClient(app);
    const serviceFor = async (audience: string) => {
      const moduleRef = await Test.createTestingModule({
        imports: [ResourceServerModule.forRoot({ issuer: app.config.issuer, audience, clientId, clientSecret, reconnectMinMs: 100 })],
        controllers: [AnyApiController],
      }).compile();
      const service = moduleRef.createNestApplication({ logger: false });
      await service.init();
      services.push(service);
      await eventually(() => service.get(RemoteRevocationFeed).isLive);
      return service;
    };
    const reportsService = await serviceFor(REPORTS);
    const code = await codeFor([INVOICES, REPORTS], 'invoices:read reports:read');
    const forInvoices = (await exchange(code, { resource: INVOICES })).body.access_token as string;
    const forReports = (await tokenRequest(app, machine, { grant_type: 'client_credentials', resource: REPORTS })).body.access_token as string;

    const refused = await request(reportsService.getHttpServer()).get('/reports').set('Authorization', `Bearer ${forInvoices}`);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    const accepted = await request(reportsService.getHttpServer()).get('/reports').set('Authorization', `Bearer ${forReports}`);
    expect(accepted.status).toBe(200);
    // The server's own /api is the default resource: a token for another one is a bad token there.
    expect((await app.http().get('/api/me').set('Authorization', `Bearer ${forInvoices}`)).status).toBe(401);
  });
});
