import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth, OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { FetchLimits } from '../../src/client-metadata/guarded-fetch';
import { registerResourceServerClient } from '../support/access-tokens';
import { BrowserCookies, createUser, formField, TestUser } from '../support/authorize-flow';
import { installPackedPackage, startExample, stopExample } from '../support/packed-example';
import { ADMIN_KEY, createTestApp, freePort, TestApp } from '../support/test-app';
import { timeUntilRefused } from '../support/timing';

const REDIRECT_URI = 'http://127.0.0.1:33418/callback';

/**
 * The MCP SDK's own OAuth client, as an application implements it: everything in memory,
 * and "redirecting the user" means walking the real login and consent pages over HTTP.
 */
class TestOAuthProvider implements OAuthClientProvider {
  private information?: OAuthClientInformationMixed;
  private saved?: OAuthTokens;
  private verifier = '';
  /** The code the last sign-in came back with. */
  code?: string;
  readonly allTokens: OAuthTokens[] = [];

  constructor(
    private readonly server: TestApp,
    private readonly user: TestUser,
    readonly clientMetadataUrl?: string,
  ) {}

  get redirectUrl(): string {
    return REDIRECT_URI;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'SDK notes client', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }
  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
    this.allTokens.push(tokens);
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }

  /** The user signs in and consents on the server's own pages; the final redirect carries the code. */
  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const cookies = new BrowserCookies();
    let res = await this.server.http().get(`${authorizationUrl.pathname}${authorizationUrl.search}`);
    cookies.store(res);
    for (let step = 0; step < 3 && res.status === 200; step++) {
      const form = { request_id: formField(res.text, 'request_id'), csrf_token: formField(res.text, 'csrf_token') };
      const answer = /name="password"/.test(res.text) ? { email: this.user.email, password: this.user.password } : { decision: 'allow' };
      res = await this.server.http().post('/authorize').type('form').set('Cookie', cookies.header()).send({ ...form, ...answer });
      cookies.store(res);
    }
    if (res.status !== 302) throw new Error(`sign-in ended with ${res.status}: ${res.text.slice(0, 300)}`);
    this.code = new URL(res.headers.location as string).searchParams.get('code') ?? undefined;
  }
}

/** A self-signed certificate for 127.0.0.1: the SDK insists on an https metadata document URL. */
function loopbackCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loopback-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The MCP example installs the packed resource-server package and runs in its own process.
 * The SDK's client starts from nothing but the MCP server's URL: RFC 9728 metadata, the
 * authorization server's metadata, registration, sign-in, tool call, refresh, and a replayed
 * refresh token that cuts the client off.
 */
describe('the MCP example server, signed in to by the MCP SDK client', () => {
  const certificate = loopbackCertificate();
  let server: TestApp;
  let mcp: ChildProcess | undefined;
  let documents: Server;
  let mcpOrigin: string;
  let documentUrl: string;

  beforeAll(async () => {
    installPackedPackage('mcp-notes-server');
    documents = createServer(certificate, (req, res) => {
      if (req.url !== '/mcp-client.json') return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({ client_id: documentUrl, client_name: 'SDK notes client', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' }),
      );
    });
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
    documentUrl = `https://127.0.0.1:${(documents.address() as AddressInfo).port}/mcp-client.json`;

    server = await createTestApp({
      listen: true,
      env: { CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK: 'true', DYNAMIC_REGISTRATION: 'open' },
      override: (builder) => builder.overrideProvider(FetchLimits).useValue({ timeoutMs: 3000, maxBytes: 5 * 1024, extraCertificates: [certificate.cert] }),
    });
    const port = await freePort();
    mcpOrigin = `http://127.0.0.1:${port}`;
    const resource = await server
      .http()
      .post('/admin/resources')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ identifier: mcpOrigin, name: 'Notes MCP server', scopes: [{ name: 'mcp-notes:read', description: 'Read your notes' }, { name: 'mcp-notes:write', description: 'Add notes' }] });
    expect(resource.status).toBe(201);
    const { clientId, clientSecret } = await registerResourceServerClient(server);
    mcp = await startExample('mcp-notes-server', { ISSUER: server.config.issuer, AUDIENCE: mcpOrigin, CLIENT_ID: clientId, CLIENT_SECRET: clientSecret, PORT: String(port) });
  }, 120_000);
  afterAll(async () => {
    await stopExample(mcp);
    await server?.close();
    if (documents) {
      documents.closeAllConnections();
      await new Promise((resolve) => documents.close(resolve));
    }
  });

  /** A tool call straight over HTTP with `accessToken`: its status says whether the server still accepts the token. */
  const rawToolCall = (accessToken: string) =>
    fetch(`${mcpOrigin}/mcp`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_notes', arguments: {} } }),
    });

  async function connected(provider: TestOAuthProvider): Promise<Client> {
    const client = new Client({ name: 'notes-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${mcpOrigin}/mcp`), { authProvider: provider }));
    return client;
  }

  it.each([
    ['a Client ID Metadata Document', true],
    ['dynamic registration', false],
  ])('registers by %s, signs in, calls the tool, refreshes, and is cut off within a second of a replayed refresh token', async (_how, byDocument) => {
    const user = await createUser(server);
    const provider = new TestOAuthProvider(server, user, byDocument ? documentUrl : undefined);

    // No token yet: the SDK discovers everything from the 401 and sends the user to sign in.
    const firstTransport = new StreamableHTTPClientTransport(new URL(`${mcpOrigin}/mcp`), { authProvider: provider });
    await expect(new Client({ name: 'notes-test', version: '1.0.0' }).connect(firstTransport)).rejects.toThrow(UnauthorizedError);
    expect(provider.clientInformation()?.client_id).toEqual(byDocument ? documentUrl : expect.stringMatching(/^[A-Za-z0-9_-]+$/));
    expect(provider.code).toEqual(expect.any(String));
    await firstTransport.finishAuth(provider.code!);

    const client = await connected(provider);
    await client.callTool({ name: 'add_note', arguments: { text: 'buy milk' } });
    const read = await client.callTool({ name: 'read_notes', arguments: {} });
    expect(JSON.parse((read.content as Array<{ text: string }>)[0].text)).toEqual({ sub: user.id, notes: ['buy milk'] });
    await client.close();

    // The SDK refreshes with the refresh token it holds; the old one is now spent.
    const spent = provider.tokens()!.refresh_token!;
    expect(await auth(provider, { serverUrl: `${mcpOrigin}/mcp` })).toBe('AUTHORIZED');
    const current = provider.tokens()!;
    expect(current.refresh_token).not.toBe(spent);
    expect((await rawToolCall(current.access_token)).status).toBe(200);

    // Someone replays the spent refresh token: the family is revoked, and the MCP server hears it through the feed.
    const { status, elapsedMs } = await timeUntilRefused(
      async () => {
        const replay = await server.http().post('/token').type('form').send({ grant_type: 'refresh_token', refresh_token: spent, client_id: provider.clientInformation()!.client_id });
        expect(replay.body.error).toBe('invalid_grant');
      },
      async () => (await rawToolCall(current.access_token)).status,
    );
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('answers 401 with its RFC 9728 metadata, which names the authorization server', async () => {
    const anonymous = await fetch(`${mcpOrigin}/mcp`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain(`resource_metadata="${mcpOrigin}/.well-known/oauth-protected-resource"`);
    const metadata = await (await fetch(`${mcpOrigin}/.well-known/oauth-protected-resource`)).json();
    expect(metadata).toEqual(expect.objectContaining({ resource: mcpOrigin, authorization_servers: [server.config.issuer], scopes_supported: ['mcp-notes:read', 'mcp-notes:write'] }));
  });
});
