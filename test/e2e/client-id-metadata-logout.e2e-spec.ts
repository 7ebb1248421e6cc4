import { Logger } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { BackChannelLogoutPolicy } from '../../src/oidc/back-channel-logout';
import { authorize, createUser, TestUser } from '../support/authorize-flow';
import { HostResolver } from '../../src/client-metadata/host-resolver';
import { connectionCounter, FakeHostResolver } from '../support/refused-hosts';
import { createTestApp, databases, TestApp } from '../support/test-app';
import { eventually } from '../support/timing';

const REDIRECT = 'http://127.0.0.1:7777/callback';
const SIGNED_OUT = 'https://agent.example/signed-out';

/** Serves metadata documents on loopback and receives back-channel logout tokens at /backchannel. */
class AgentServer {
  readonly bodies = new Map<string, unknown>();
  readonly logoutTokens: string[] = [];
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/backchannel') {
        let body = '';
        req.on('data', (chunk) => (body += String(chunk)));
        req.on('end', () => {
          this.logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
          res.writeHead(200).end();
        });
        return;
      }
      const document = this.bodies.get(req.url ?? '');
      if (document === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(document));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  document(path: string, fields: Record<string, unknown>): string {
    const url = `${this.origin}${path}`;
    this.bodies.set(path, { client_id: url, client_name: 'Agent', redirect_uris: [REDIRECT], ...fields });
    return url;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe.each(databases)('logout for metadata-document clients on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let agent: AgentServer;
  let counter: Awaited<ReturnType<typeof connectionCounter>>;
  let user: TestUser;
  const warnings: string[] = [];

  beforeAll(async () => {
    agent = new AgentServer();
    await agent.start();
    counter = await connectionCounter();
    app = await createTestApp({
      databaseUrl,
      listen: true,
      env: { CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK: 'true', CLIENT_ID_METADATA_DENY_HOSTS: `127.0.0.1:${counter.port}` },
      override: (builder) =>
        builder
          .overrideProvider(BackChannelLogoutPolicy)
          .useValue({ attempts: 2, firstRetryDelayMs: 20, timeoutMs: 2000 } satisfies BackChannelLogoutPolicy)
          .overrideProvider(HostResolver)
          .useValue(new FakeHostResolver({ 'mixed.test': ['127.0.0.1', '10.0.0.1'] })),
    });
    user = await createUser(app);
  });
  afterAll(async () => {
    await app.close();
    await agent.close();
    await counter.close();
  });

  /** Signs `user` in to the document's client and answers its ID token and the browser. */
  async function signIn(clientId: string) {
    const flow = await authorize(app, { client_id: clientId, redirect_uri: REDIRECT, scope: 'openid', user });
    const token = await app.http().post('/token').type('form').send({ grant_type: 'authorization_code', code: flow.code!, redirect_uri: REDIRECT, client_id: clientId, code_verifier: flow.verifier });
    expect(token.status).toBe(200);
    return { idToken: token.body.id_token as string, cookies: flow.cookies };
  }

  it('returns to a post_logout_redirect_uri the document lists, with state, and never to one it does not', async () => {
    const clientId = agent.document('/rp.json', { post_logout_redirect_uris: [SIGNED_OUT] });
    const first = await signIn(clientId);
    const res = await app.http().get(`/logout?${new URLSearchParams({ id_token_hint: first.idToken, post_logout_redirect_uri: SIGNED_OUT, state: 's1' })}`).set('Cookie', first.cookies.header());
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${SIGNED_OUT}?state=s1`);

    const second = await signIn(clientId);
    const elsewhere = await app.http().get(`/logout?${new URLSearchParams({ id_token_hint: second.idToken, post_logout_redirect_uri: 'https://evil.example/out' })}`).set('Cookie', second.cookies.header());
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.location).toBeUndefined();
  });

  it('names the client on the confirmation page of a logout by client_id', async () => {
    const clientId = agent.document('/named.json', { post_logout_redirect_uris: [SIGNED_OUT] });
    const { cookies } = await signIn(clientId);
    const page = await app.http().get(`/logout?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: SIGNED_OUT })}`).set('Cookie', cookies.header());
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Agent (${new URL(clientId).host})`);
    expect(page.text).not.toContain('has not registered');
  });

  it('delivers a logout token to the document’s backchannel_logout_uri', async () => {
    const clientId = agent.document('/bcl.json', { backchannel_logout_uri: `${agent.origin}/backchannel` });
    const { idToken, cookies } = await signIn(clientId);
    const before = agent.logoutTokens.length;
    expect((await app.http().get(`/logout?id_token_hint=${idToken}`).set('Cookie', cookies.header())).status).toBe(200);
    await eventually(() => agent.logoutTokens.length > before);
    const { payload } = await jwtVerify(agent.logoutTokens[before], createRemoteJWKSet(new URL(`${app.baseUrl}/.well-known/jwks.json`)), { issuer: app.config.issuer, audience: clientId, typ: 'logout+jwt' });
    expect(payload.sub).toBe(user.id);
  });

  it.each<[string, (port: number) => string]>([
    ['a host:port on the deny list', (port) => `http://127.0.0.1:${port}/backchannel`],
    ['a name with a private address', (port) => `http://mixed.test:${port}/backchannel`],
  ])('never connects to a backchannel_logout_uri at %s', async (_case, uri) => {
    const record = (message: unknown) => void warnings.push(JSON.stringify(message));
    const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation(record);
    try {
      const clientId = agent.document(`/refused-${warnings.length}.json`, { backchannel_logout_uri: uri(counter.port) });
      const { idToken, cookies } = await signIn(clientId);
      expect((await app.http().get(`/logout?id_token_hint=${idToken}`).set('Cookie', cookies.header())).status).toBe(200);
      await eventually(() => warnings.some((line) => line.includes('back-channel logout given up') && line.includes(clientId)));
      expect(counter.connections()).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
