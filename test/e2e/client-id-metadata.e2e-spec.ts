import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { FetchLimits } from '../../src/client-metadata/guarded-fetch';
import { FixedClock } from '../../src/common/clock';
import { authorizationPath, authorize, AuthorizeResult, BrowserCookies, createUser, formField, TestUser } from '../support/authorize-flow';
import { HostResolver } from '../../src/client-metadata/host-resolver';
import { connectionCounter, FakeHostResolver } from '../support/refused-hosts';
import { createTestApp, databases, TestApp } from '../support/test-app';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Serves metadata documents on loopback; each path has its own handler, and every request is counted. */
class DocumentServer {
  readonly routes = new Map<string, Handler>();
  readonly hits = new Map<string, number>();
  private readonly held: ServerResponse[] = [];
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.hits.set(req.url ?? '', (this.hits.get(req.url ?? '') ?? 0) + 1);
      const handler = this.routes.get(req.url ?? '');
      if (handler) handler(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A document whose client_id is its own URL, with `fields` changed. */
  document(path: string, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}): string {
    const url = `${this.origin}${path}`;
    const body = JSON.stringify({ client_id: url, client_name: 'Notes Agent', redirect_uris: ['http://127.0.0.1:7777/callback'], grant_types: ['authorization_code', 'refresh_token'], ...fields });
    this.routes.set(path, (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json', ...headers }).end(body));
    return url;
  }

  /** Never answers until the server closes. */
  hang(path: string): string {
    this.routes.set(path, (_req, res) => this.held.push(res));
    return `${this.origin}${path}`;
  }

  async close(): Promise<void> {
    this.held.forEach((res) => res.destroy());
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe.each(databases)('Client ID Metadata Documents on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let documents: DocumentServer;
  let user: TestUser;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    documents = new DocumentServer();
    await documents.start();
    app = await createTestApp({
      databaseUrl,
      clock,
      env: { CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK: 'true' },
      override: (builder) =>
        builder
          .overrideProvider(FetchLimits)
          .useValue({ timeoutMs: 500, maxBytes: 5 * 1024, extraCertificates: [] })
          .overrideProvider(HostResolver)
          .useValue(new FakeHostResolver({ 'mixed.test': ['93.184.216.34', '10.0.0.1'] })),
    });
    user = await createUser(app);
  });
  afterAll(async () => {
    await app.close();
    await documents.close();
  });

  /** The token requests of a public client: its `client_id` in the form, no credentials. */
  const exchangeCode = (clientId: string, flow: AuthorizeResult) =>
    app.http().post('/token').type('form').send({
      grant_type: 'authorization_code',
      code: flow.code!,
      redirect_uri: 'http://127.0.0.1:7777/callback',
      client_id: clientId,
      code_verifier: flow.verifier,
    });
  const refreshAs = (clientId: string, refreshToken: string) =>
    app.http().post('/token').type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });

  it('says so in the discovery metadata', async () => {
    const res = await app.http().get('/.well-known/oauth-authorization-server');
    expect(res.body.client_id_metadata_document_supported).toBe(true);
  });

  it('signs a user in to a client known only by its document, showing its host, and rotates its refresh tokens', async () => {
    const clientId = documents.document('/agent.json');
    const host = new URL(clientId).host;
    const flow = await authorize(app, { client_id: clientId, redirect_uri: 'http://127.0.0.1:7777/callback', scope: 'notes:read', user });
    expect(flow.pages).toEqual(['login', 'consent']);
    expect(flow.code).toBeDefined();

    // Both pages a person decides on name the document's host beside the name the document chose.
    const browser = new BrowserCookies();
    const loginPage = await app.http().get(authorizationPath({ client_id: clientId, redirect_uri: 'http://127.0.0.1:7777/callback' }, { scope: 'notes:read offline_access', code_challenge: 'x'.repeat(43) }));
    browser.store(loginPage);
    expect(loginPage.text).toContain(`Notes Agent (${host})`);
    const consentPage = await app
      .http()
      .post('/authorize')
      .type('form')
      .set('Cookie', browser.header())
      .send({ request_id: formField(loginPage.text, 'request_id'), csrf_token: formField(loginPage.text, 'csrf_token'), email: user.email, password: user.password });
    expect(consentPage.status).toBe(200);
    expect(consentPage.text).toMatch(/name="decision"/);
    expect(consentPage.text).toContain(`Notes Agent (${host})`);

    const token = await exchangeCode(clientId, flow);
    expect(token.status).toBe(200);
    expect(token.body.refresh_token).toEqual(expect.any(String));

    const refreshed = await refreshAs(clientId, token.body.refresh_token);
    expect(refreshed.status).toBe(200);
    const replay = await refreshAs(clientId, token.body.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const afterReplay = await refreshAs(clientId, refreshed.body.refresh_token);
    expect(afterReplay.body.error).toBe('invalid_grant');
  });

  it('signs a user in to a client whose document URL is 300 characters long, and refreshes', async () => {
    const clientId = documents.document(`/${'agents/'.repeat(37)}long.json`);
    expect(clientId.length).toBeGreaterThanOrEqual(290);
    const flow = await authorize(app, { client_id: clientId, redirect_uri: 'http://127.0.0.1:7777/callback', scope: 'notes:read', user });
    expect(flow.code).toBeDefined();
    const token = await exchangeCode(clientId, flow);
    expect(token.status).toBe(200);
    const refreshed = await refreshAs(clientId, token.body.refresh_token);
    expect(refreshed.status).toBe(200);
    // A second sign-in finds the stored consent of that client id: no consent page.
    const again = await authorize(app, { client_id: clientId, redirect_uri: 'http://127.0.0.1:7777/callback', scope: 'notes:read', user, cookies: flow.cookies });
    expect(again.code).toBeDefined();
    expect(again.pages).toEqual([]);
  });

  it('keeps a document as long as its Cache-Control allows, within bounds', async () => {
    const clientId = documents.document('/cached.json', {}, { 'Cache-Control': 'max-age=120' });
    const path = authorizationPath({ client_id: clientId, redirect_uri: 'http://127.0.0.1:7777/callback' }, { code_challenge: 'x'.repeat(43) });
    expect((await app.http().get(path)).status).toBe(200);
    expect((await app.http().get(path)).status).toBe(200);
    expect(documents.hits.get('/cached.json')).toBe(1);
    clock.advance(121);
    expect((await app.http().get(path)).status).toBe(200);
    expect(documents.hits.get('/cached.json')).toBe(2);
  });

  const huge = 'x'.repeat(20 * 1024);
  it.each<[string, (server: DocumentServer) => string]>([
    ['is huge', (server) => server.document('/huge.json', { client_name: huge })],
    ['is slow', (server) => server.hang('/slow.json')],
    ['is not JSON', (server) => (server.routes.set('/text.json', (_q, res) => res.writeHead(200).end('<html>')), `${server.origin}/text.json`)],
    ['redirects', (server) => (server.routes.set('/moved.json', (_q, res) => res.writeHead(302, { Location: `${server.origin}/agent.json` }).end()), `${server.origin}/moved.json`)],
    ['claims another client_id', (server) => server.document('/other.json', { client_id: 'https://claude.ai/client.json' })],
    ['lists a javascript: redirect URI', (server) => server.document('/script.json', { redirect_uris: ['javascript:alert(1)'] })],
    ['holds a client secret', (server) => server.document('/secret.json', { client_secret: 'shh', token_endpoint_auth_method: 'client_secret_post' })],
    ['asks for private_key_jwt without keys', (server) => server.document('/jwt.json', { token_endpoint_auth_method: 'private_key_jwt' })],
    ['has no redirect_uris', (server) => server.document('/none.json', { redirect_uris: [] })],
    ['is at 10.0.0.1', () => 'https://10.0.0.1/client.json'],
    ['is at 169.254.169.254', () => 'http://169.254.169.254/latest/meta-data'],
    ['is on a host with a private address among its public ones', () => 'https://mixed.test/client.json'],
    ['has no path', (server) => `${server.origin}/`],
  ])('treats the client as unknown when its document %s: a 400 page, never a redirect', async (_case, make) => {
    const clientId = make(documents);
    const res = await app.http().get(authorizationPath({ client_id: clientId, redirect_uri: 'http://127.0.0.1:7777/callback' }, { code_challenge: 'x'.repeat(43) }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers.location).toBeUndefined();
    const token = await refreshAs(clientId, 'x');
    expect(token.status).toBe(401);
    expect(token.body.error).toBe('invalid_client');
  });
});

describe('Client ID Metadata Documents: refused addresses are never connected to', () => {
  it.each<[string, Record<string, string>, (port: number) => string]>([
    ['loopback by address, switch off', {}, (port) => `https://127.0.0.1:${port}/client.json`],
    ['a name resolving to loopback, switch off', {}, (port) => `https://metadata.test:${port}/client.json`],
    ['plain http, switch off', {}, (port) => `http://127.0.0.1:${port}/client.json`],
    ['a host off the allow-list', { CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK: 'true', CLIENT_ID_METADATA_HOSTS: 'claude.ai' }, (port) => `http://127.0.0.1:${port}/client.json`],
    ['a host on the deny list', { CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK: 'true', CLIENT_ID_METADATA_DENY_HOSTS: 'claude.ai, 127.0.0.1' }, (port) => `http://127.0.0.1:${port}/client.json`],
    ['a host:port on the deny list, though allowed', { CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK: 'true', CLIENT_ID_METADATA_HOSTS: '127.0.0.1', CLIENT_ID_METADATA_DENY_HOSTS: '127.0.0.1:{port}' }, (port) => `http://127.0.0.1:${port}/client.json`],
    ['documents turned off', { CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK: 'true', CLIENT_ID_METADATA_DOCUMENTS: 'off' }, (port) => `http://127.0.0.1:${port}/client.json`],
  ])('%s', async (_case, env, url) => {
    const listener = await connectionCounter();
    const app = await createTestApp({
      // `{port}` in a value stands for the listener's port.
      env: Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value.replace('{port}', String(listener.port))])),
      override: (builder) => builder.overrideProvider(HostResolver).useValue(new FakeHostResolver({ 'metadata.test': ['127.0.0.1'] })),
    });
    try {
      const clientId = url(listener.port);
      const res = await app.http().get(authorizationPath({ client_id: clientId, redirect_uri: 'http://127.0.0.1:7777/callback' }, { code_challenge: 'x'.repeat(43) }));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(listener.connections()).toBe(0);
    } finally {
      await app.close();
      await listener.close();
    }
  });

  it('leaves client_id_metadata_document_supported out of discovery when turned off', async () => {
    const app = await createTestApp({ env: { CLIENT_ID_METADATA_DOCUMENTS: 'off' } });
    try {
      expect((await app.http().get('/.well-known/oauth-authorization-server')).body.client_id_metadata_document_supported).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
