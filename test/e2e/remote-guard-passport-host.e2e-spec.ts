import { Controller, Get, INestApplication, Injectable, Req, UseGuards } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import {
  AccessTokenClaims,
  BearerTokenError,
  RemoteAccessTokenVerifier,
  RemoteRevocationFeed,
  RequireScopes,
  ResourceServerGuard,
  ResourceServerModule,
  ScopesGuard,
} from '@nest-oauth/resource-server';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import request from 'supertest';
import { mintAccessToken, registerResourceServerClient } from '../support/access-tokens';
import { mintTeamToken, TeamPassportModule, TeamUser } from '../support/team-passport';
import { createTestApp, databases, TestApp } from '../support/test-app';
import { eventually } from '../support/timing';

interface HostRequest {
  /** Where the package's guard puts the server's claims (`requestProperty`), beside the team's sessions. */
  caller?: AccessTokenClaims;
  user?: TeamUser;
}

/**
 * The package README's recipe: the host's own passport strategy calls
 * `RemoteAccessTokenVerifier.verify` and `ScopesGuard` checks `@RequireScopes`.
 */
@Injectable()
class CallerStrategy extends PassportStrategy(Strategy, 'caller') {
  private static readonly bearer = ExtractJwt.fromAuthHeaderAsBearerToken();

  constructor(private readonly verifier: RemoteAccessTokenVerifier) {
    super({
      jwtFromRequest: CallerStrategy.bearer,
      secretOrKeyProvider: (_request: unknown, _token: unknown, done: (error: Error) => void) => done(new Error('verified by the package')),
    });
  }

  authenticate(req: Request): void {
    const token = CallerStrategy.bearer(req);
    if (!token) return this.fail(401);
    this.verifier.verify(token).then(
      (claims) => this.success(claims),
      (error: unknown) => (error instanceof BearerTokenError ? this.fail(error.status) : this.error(error as Error)),
    );
  }

  validate(claims: AccessTokenClaims): AccessTokenClaims {
    return claims;
  }
}

@Injectable()
class CallerGuard extends AuthGuard('caller') {
  getAuthenticateOptions(): { property: string; session: boolean } {
    return { property: 'caller', session: false };
  }
}

@Controller()
class HostController {
  @Get('invoices')
  @UseGuards(ResourceServerGuard)
  @RequireScopes('notes:read')
  invoices(@Req() req: HostRequest): { caller?: string; user?: TeamUser } {
    return { caller: req.caller?.sub, user: req.user };
  }

  @Get('ledger')
  @UseGuards(CallerGuard, ScopesGuard)
  @RequireScopes('notes:read')
  ledger(@Req() req: HostRequest): { caller?: string } {
    return { caller: req.caller?.sub };
  }
}

/**
 * The package's guard in an application that has its own passport setup (the team's HS256
 * strategies, one named `jwt`, putting sessions on `request.user`): each authenticates only
 * what it should, and the README's own-strategy recipe works beside them.
 */
describe.each(databases)('the resource-server package in a host with its own passport setup on %s', (_name, databaseUrl) => {
  let server: TestApp;
  let host: INestApplication;

  beforeAll(async () => {
    server = await createTestApp({ databaseUrl, listen: true });
    const { clientId, clientSecret } = await registerResourceServerClient(server);
    const moduleRef = await Test.createTestingModule({
      imports: [
        ResourceServerModule.forRoot({
          issuer: server.config.issuer,
          audience: server.config.accessTokenAudience,
          clientId,
          clientSecret,
          requestProperty: 'caller',
        }),
        TeamPassportModule,
      ],
      controllers: [HostController],
      providers: [CallerStrategy],
    }).compile();
    host = moduleRef.createNestApplication({ logger: false });
    await host.init();
    const feed = host.get(RemoteRevocationFeed);
    await eventually(() => feed.isLive);
  });
  afterAll(async () => {
    await host?.close();
    await server?.close();
  });

  const get = (path: string, token: string) => request(host.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  it("accepts the server's access token on the package's guard, with the claims on its own property", async () => {
    const response = await get('/invoices', await mintAccessToken(server, { claims: { sub: 'invoice-owner', scope: 'notes:read' } }));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ caller: 'invoice-owner' });
  });

  it("refuses the team's token on the package's guard with the RFC 6750 challenge, and a narrow token with 403", async () => {
    const team = await get('/invoices', await mintTeamToken('team-alice'));
    expect(team.status).toBe(401);
    expect(team.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect(team.headers['www-authenticate']).toContain('resource_metadata="');
    const narrow = await get('/invoices', await mintAccessToken(server, { claims: { scope: 'openid' } }));
    expect(narrow.status).toBe(403);
    expect(narrow.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="insufficient_scope"/);
  });

  it("keeps the team's strategies working: their tokens in, the server's out", async () => {
    const teamToken = await mintTeamToken('team-alice');
    const serverToken = await mintAccessToken(server);
    for (const path of ['/team/named', '/team/default']) {
      const accepted = await get(path, teamToken);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({ teamUser: 'team-alice' });
      expect((await get(path, serverToken)).status).toBe(401);
    }
  });

  it("serves the README's recipe: the host's strategy over RemoteAccessTokenVerifier with ScopesGuard", async () => {
    const accepted = await get('/ledger', await mintAccessToken(server, { claims: { sub: 'ledger-owner', scope: 'notes:read' } }));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ caller: 'ledger-owner' });
    const narrow = await get('/ledger', await mintAccessToken(server, { claims: { scope: 'openid' } }));
    expect(narrow.status).toBe(403);
    expect(narrow.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect((await get('/ledger', await mintTeamToken('team-alice'))).status).toBe(401);
  });
});
