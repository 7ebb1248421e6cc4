import type { ChildProcess } from 'node:child_process';
import { registerResourceServerClient } from '../support/access-tokens';
import { authorize, createUser } from '../support/authorize-flow';
import { installPackedPackage, startExample, stopExample } from '../support/packed-example';
import { createParty, Party, revoke, tokenRequest } from '../support/token-helpers';
import { ADMIN_KEY, createTestApp, freePort, TestApp } from '../support/test-app';
import { timeUntilRefused } from '../support/timing';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };

/**
 * The example service installs the packed tarball of @nest-oauth/resource-server, not its
 * source, and runs in its own process against a real authorization server: what a team that
 * adopts the package gets.
 */
describe('the invoices example service on the packed package', () => {
  let server: TestApp;
  let service: ChildProcess | undefined;
  let serviceUrl: string;
  let party: Party;

  beforeAll(async () => {
    installPackedPackage('invoices-service');
    server = await createTestApp({ listen: true });
    const port = await freePort();
    serviceUrl = `http://127.0.0.1:${port}`;
    const resource = await server.http().post('/admin/resources').set(AUTH).send({ identifier: serviceUrl, name: 'Invoices API', scopes: [{ name: 'invoices:read', description: 'Read your invoices' }] });
    expect(resource.status).toBe(201);
    party = await createParty(server, { scope: 'offline_access invoices:read notes:read', grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
    const { clientId, clientSecret } = await registerResourceServerClient(server);
    service = await startExample('invoices-service', { ISSUER: server.config.issuer, AUDIENCE: serviceUrl, CLIENT_ID: clientId, CLIENT_SECRET: clientSecret, PORT: String(port) });
  }, 120_000);
  afterAll(async () => {
    await stopExample(service);
    await server?.close();
  });

  const invoices = (token?: string) => fetch(`${serviceUrl}/invoices`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const tokenFor = async (resource?: string) => {
    const res = await tokenRequest(server, party.client, { grant_type: 'client_credentials', ...(resource ? { resource } : {}) });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };

  it('serves RFC 9728 metadata naming the authorization server, and points to it from its challenge', async () => {
    const metadata = await fetch(`${serviceUrl}/.well-known/oauth-protected-resource`);
    expect(await metadata.json()).toEqual({
      resource: serviceUrl,
      authorization_servers: [server.config.issuer],
      scopes_supported: ['invoices:read'],
      bearer_methods_supported: ['header'],
      resource_name: 'Invoices API',
    });
    const anonymous = await invoices();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer realm="api", resource_metadata="${serviceUrl}/.well-known/oauth-protected-resource"`);
  });

  it('accepts a token for its audience and refuses one for another', async () => {
    const accepted = await invoices(await tokenFor(serviceUrl));
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ owner: party.client.client_id, invoices: [{ id: 'inv-1', total: 120 }] });
    const other = await invoices(await tokenFor());
    expect(other.status).toBe(401);
    expect(other.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('refuses a token within a second of its family being revoked, through the feed', async () => {
    const user = await createUser(server);
    const code = await authorize(server, { client_id: party.client.client_id, redirect_uri: party.client.redirect_uri, scope: 'offline_access invoices:read', user, extra: { resource: serviceUrl } });
    const tokens = (await tokenRequest(server, party.client, { grant_type: 'authorization_code', code: code.code!, redirect_uri: party.client.redirect_uri, code_verifier: code.verifier })).body;
    expect((await invoices(tokens.access_token)).status).toBe(200);
    const { status, elapsedMs } = await timeUntilRefused(
      async () => expect((await revoke(server, party.client, tokens.refresh_token)).status).toBe(200),
      async () => (await invoices(tokens.access_token)).status,
    );
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
