import { Controller, Get, INestApplication, Req, UseGuards } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { createServer, connect, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { RevocationLogService } from '../../src/revocation-log/revocation-log.service';
import {
  AccessTokenClaims,
  RemoteRevocationFeed,
  RequireScopes,
  ResourceServerGuard,
  ResourceServerModule,
  ResourceServerOptions,
} from '@nest-oauth/resource-server';
import {
  mintAccessToken,
  mintHs256WithPublicKey,
  mintUnsecured,
  mintWithForeignKey,
  registerResourceServerClient,
} from '../support/access-tokens';
import { createTestApp, databases, freePort, TestApp } from '../support/test-app';
import { eventually, PERCENTILE_SAMPLES, percentiles, staggeredSamples, timeUntilRefused } from '../support/timing';

/** Another team's service, protected by the reusable module. */
@Controller()
@UseGuards(ResourceServerGuard)
class ReportsController {
  @Get('whoami')
  whoami(@Req() request: { user: AccessTokenClaims }): { sub: string } {
    return { sub: request.user.sub };
  }

  @Get('reports')
  @RequireScopes('reports:read')
  reports(): string[] {
    return ['q3'];
  }
}

/** A TCP relay in front of the server's feed, so a test can cut or silence the connection. */
class Relay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly stalled = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<Relay> {
    const relay = new Relay(await freePort(), targetPort);
    await relay.listen();
    return relay;
  }

  async listen(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.on('data', (data) => upstream.write(data));
      upstream.on('data', (data) => {
        if (!this.stalled.has(client)) client.write(data);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Keeps the open connections up but lets nothing more through to the subscriber. */
  stallOpenConnections(): void {
    for (const socket of this.sockets) this.stalled.add(socket);
  }

  /** Closes the listener and every connection: the feed is unreachable. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

async function startResourceServer(options: ResourceServerOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ResourceServerModule.forRoot(options)],
    controllers: [ReportsController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

const REVOCATIONS = PERCENTILE_SAMPLES;
const inTenMinutes = () => new Date(Date.now() + 600_000);

describe.each(databases)('ResourceServerModule against the server on %s', (_name, databaseUrl) => {
  let server: TestApp;
  let relay: Relay;
  let remote: INestApplication;
  let feed: RemoteRevocationFeed;
  let options: ResourceServerOptions;

  beforeAll(async () => {
    server = await createTestApp({ databaseUrl, listen: true });
    const { clientId, clientSecret } = await registerResourceServerClient(server);
    relay = await Relay.start(Number(new URL(server.baseUrl!).port));
    options = {
      issuer: server.config.issuer,
      audience: server.config.accessTokenAudience,
      clientId,
      clientSecret,
      // Keys and introspection come from the metadata; the feed runs through the relay.
      revocationFeedEndpoint: `http://127.0.0.1:${relay.port}/revocations/stream`,
      heartbeatTimeoutMs: 3000,
      reconnectMinMs: 100,
      reconnectMaxMs: 500,
    };
    remote = await startResourceServer(options);
    feed = remote.get(RemoteRevocationFeed);
    await eventually(() => feed.isLive);
  });
  afterAll(async () => {
    await remote?.close();
    await relay?.stop().catch(() => undefined);
    await server?.close();
  });

  const metadataUrl = () => `${new URL(options.audience).origin}/.well-known/oauth-protected-resource${new URL(options.audience).pathname}`;
  const call = (path: string, token: string) => request(remote.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  async function expectInvalidToken(token: string): Promise<void> {
    const response = await call('/whoami', token);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
  }

  it('registers nothing global in its host: no filter, pipe, guard or interceptor', () => {
    const config = remote.get(ApplicationConfig);
    expect(config.getGlobalFilters()).toEqual([]);
    expect(config.getGlobalRequestFilters()).toEqual([]);
    expect(config.getGlobalRequestPipes()).toEqual([]);
    expect(config.getGlobalRequestGuards()).toEqual([]);
    expect(config.getGlobalRequestInterceptors()).toEqual([]);
  });

  it('accepts an access token the server issued', async () => {
    const response = await call('/whoami', await mintAccessToken(server, { claims: { sub: 'remote-user' } }));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ sub: 'remote-user' });
  });

  it('answers 401 with a bare challenge without a token', async () => {
    const response = await request(remote.getHttpServer()).get('/whoami');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(`Bearer realm="api", resource_metadata="${metadataUrl()}"`);
  });

  it('refuses forged tokens', async () => {
    await expectInvalidToken(await mintWithForeignKey(server));
    await expectInvalidToken(mintUnsecured(server));
    await expectInvalidToken(mintHs256WithPublicKey(server));
    await expectInvalidToken(await mintAccessToken(server, { header: { kid: 'unknown-kid' } }));
  });

  it('refuses a token for another audience or with the wrong typ', async () => {
    await expectInvalidToken(await mintAccessToken(server, { claims: { aud: 'https://elsewhere.example' } }));
    await expectInvalidToken(await mintAccessToken(server, { header: { typ: 'JWT' } }));
  });

  it('answers 403 insufficient_scope with the same scope rules as the server', async () => {
    const response = await call('/reports', await mintAccessToken(server, { claims: { scope: 'notes:read' } }));
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toContain('scope="reports:read"');
    expect((await call('/reports', await mintAccessToken(server, { claims: { scope: 'reports:read' } }))).status).toBe(200);
  });

  it(`refuses a token within one second of its family being revoked on the server (p99 over ${REVOCATIONS})`, async () => {
    const latencies = await staggeredSamples(REVOCATIONS, { intervalMs: 0, concurrency: 1 }, async (i) => {
      const sid = `remote-family-${i}`;
      const token = await mintAccessToken(server, { claims: { sid } });
      expect((await call('/whoami', token)).status).toBe(200);
      const denyOnServer = () => server.get(RevocationLogService).deny('sid', sid, inTenMinutes());
      const { status, elapsedMs } = await timeUntilRefused(denyOnServer, async () => (await call('/whoami', token)).status);
      expect(status).toBe(401);
      return elapsedMs;
    });
    const { p99 } = percentiles(`remote module revocation latency on ${_name}`, latencies);
    expect(p99).toBeLessThan(1000);
  });

  it('detects a silent feed by its missing heartbeats, then reconnects', async () => {
    expect(feed.isLive).toBe(true);
    relay.stallOpenConnections();
    await eventually(() => feed.status().state === 'cut-off', (options.heartbeatTimeoutMs ?? 0) + 2000);
    await eventually(() => feed.isLive, 5000);
  });

  it('falls back to introspection while the feed is cut off, and resumes the feed after', async () => {
    expect(feed.status().state).toBe('live');
    const kept = await mintAccessToken(server, { claims: { sid: 'fallback-kept' } });
    const revoked = await mintAccessToken(server, { claims: { sid: 'fallback-revoked' } });

    await relay.stop();
    await eventually(() => feed.status().state === 'cut-off');
    expect(feed.isLive).toBe(false);
    // Revoked while the feed cannot tell: only introspection knows.
    await server.get(RevocationLogService).deny('sid', 'fallback-revoked', inTenMinutes());
    expect((await call('/whoami', kept)).status).toBe(200);
    const refused = await call('/whoami', revoked);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'invalid_token', error_description: 'access token is not active' });

    await relay.listen();
    await eventually(() => feed.isLive, 5000);
    // The denial made during the outage arrives through Last-Event-ID resumption.
    await eventually(() => feed.match({ sid: 'fallback-revoked' } as never) !== undefined, 2000);
    const afterwards = await call('/whoami', revoked);
    expect(afterwards.status).toBe(401);
    expect(afterwards.body.error_description).toBe('access token has been revoked');
    expect(feed.status().state).toBe('live');
  });

  it('refuses with 503 while cut off when configured to refuse', async () => {
    const refusing = await startResourceServer({
      ...options,
      revocationFeedEndpoint: `http://127.0.0.1:${await freePort()}/revocations/stream`,
      onFeedLoss: 'refuse',
    });
    try {
      await eventually(() => refusing.get(RemoteRevocationFeed).status().state === 'cut-off');
      const response = await request(refusing.getHttpServer()).get('/whoami').set('Authorization', `Bearer ${await mintAccessToken(server)}`);
      expect(response.status).toBe(503);
    } finally {
      await refusing.close();
    }
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    const keyless = await startResourceServer({ ...options, jwksUri: `http://127.0.0.1:${await freePort()}/jwks.json` });
    try {
      const response = await request(keyless.getHttpServer()).get('/whoami').set('Authorization', `Bearer ${await mintAccessToken(server)}`);
      expect(response.status).toBe(503);
    } finally {
      await keyless.close();
    }
  });
});
