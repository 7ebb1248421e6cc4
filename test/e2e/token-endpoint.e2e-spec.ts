import { DataSource } from 'typeorm';
import { AuthorizationCode } from '../../src/tokens/grants/authorization-code.entity';
import { sha256 } from '../../src/common/crypto/hashing';
import { createClient } from '../support/authorize-flow';
import {
  basicAuth,
  createParty,
  exchangeCode,
  introspect,
  jwtHeader,
  jwtPayload,
  obtainCode,
  Party,
  refresh,
  signInAndExchange,
  tokenRequest,
} from '../support/token-helpers';
import { createTestApp, databases, TestApp } from '../support/test-app';

describe.each(databases)('token endpoint on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let party: Party;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
    party = await createParty(app);
  });
  afterAll(() => app.close());

  describe('authorization_code', () => {
    it('exchanges a code for an RFC 9068 access token and a refresh token, never cached', async () => {
      const code = await obtainCode(app, party);
      const res = await exchangeCode(app, party, code);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['pragma']).toBe('no-cache');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'openid notes:read notes:write',
        refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{82}$/),
        id_token: expect.any(String), // the grant has openid
      });
      const header = jwtHeader(res.body.access_token);
      expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256', kid: expect.any(String) });
      const claims = jwtPayload(res.body.access_token);
      expect(claims).toMatchObject({
        iss: app.config.issuer,
        sub: party.user.id,
        aud: app.config.accessTokenAudience,
        client_id: party.client.client_id,
        scope: 'openid notes:read notes:write',
        sid: expect.any(String),
        jti: expect.any(String),
        auth_time: expect.any(Number),
      });
      expect((claims.exp as number) - (claims.iat as number)).toBe(600);
      expect(claims.nbf).toBe(claims.iat);
    });

    it('issues no refresh token to a client not registered for the refresh_token grant', async () => {
      const codeOnly = await createParty(app, { grant_types: ['authorization_code'] });
      const tokens = await signInAndExchange(app, codeOnly);
      expect(tokens.refresh_token).toBeUndefined();
      expect(jwtPayload(tokens.access_token).sid).toEqual(expect.any(String));
    });

    it('serves a public client that proves possession with PKCE alone', async () => {
      const spa = await createParty(app, { token_endpoint_auth_method: 'none' });
      const tokens = await signInAndExchange(app, spa);
      expect(tokens.refresh_token).toEqual(expect.any(String));
      expect(jwtPayload(tokens.access_token).client_id).toBe(spa.client.client_id);
    });

    it('accepts client_secret_post for a client registered for it', async () => {
      const poster = await createParty(app, { token_endpoint_auth_method: 'client_secret_post' });
      const tokens = await signInAndExchange(app, poster);
      expect(tokens.access_token).toEqual(expect.any(String));
    });

    it('refuses a wrong code_verifier without burning the code', async () => {
      const code = await obtainCode(app, party);
      const wrong = await exchangeCode(app, party, { code: code.code, verifier: 'x'.repeat(43) });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(/code_verifier/) });
      expect((await exchangeCode(app, party, code)).status).toBe(200);
    });

    it('refuses a redirect_uri other than the one of the authorization request', async () => {
      const code = await obtainCode(app, party);
      const res = await tokenRequest(app, party.client, {
        grant_type: 'authorization_code',
        code: code.code,
        redirect_uri: 'https://app.example.com/other',
        code_verifier: code.verifier,
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('refuses a code issued to another client with the same answer as an unknown code', async () => {
      const other = await createParty(app);
      const code = await obtainCode(app, party);
      const stolen = await exchangeCode(app, other, code);
      const unknown = await exchangeCode(app, other, { code: 'no-such-code', verifier: code.verifier });
      expect(stolen.status).toBe(400);
      expect(stolen.body).toEqual(unknown.body);
      expect(stolen.body.error).toBe('invalid_grant');
    });

    it('answers a replayed code with invalid_grant and revokes the tokens issued from it', async () => {
      const code = await obtainCode(app, party);
      const first = await exchangeCode(app, party, code);
      expect(first.status).toBe(200);
      const replay = await exchangeCode(app, party, code);
      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('invalid_grant');
      expect(await introspect(app, party.client, first.body.access_token)).toEqual({ active: false });
      expect((await refresh(app, party.client, first.body.refresh_token)).body.error).toBe('invalid_grant');
    });

    it('lets exactly one of 10 concurrent redemptions of one code win, and revokes its family', async () => {
      const code = await obtainCode(app, party);
      const answers = await Promise.all(Array.from({ length: 10 }, () => exchangeCode(app, party, code)));
      const winners = answers.filter((res) => res.status === 200);
      expect(winners).toHaveLength(1);
      expect(answers.filter((res) => res.status === 400 && res.body.error === 'invalid_grant')).toHaveLength(9);
      expect(await introspect(app, party.client, winners[0].body.access_token)).toEqual({ active: false });
    });

    it('refuses an expired code', async () => {
      const code = await obtainCode(app, party);
      await app.get(DataSource).getRepository(AuthorizationCode).update({ codeHash: sha256(code.code) }, { expiresAt: new Date(0) });
      const res = await exchangeCode(app, party, code);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it.each(['code', 'redirect_uri', 'code_verifier'])('names a missing %s', async (name) => {
      const form: Record<string, string> = { grant_type: 'authorization_code', code: 'c', redirect_uri: party.client.redirect_uri, code_verifier: 'v'.repeat(43) };
      delete form[name];
      const res = await tokenRequest(app, party.client, form);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: `missing parameter ${name}` });
    });
  });

  describe('request validation', () => {
    it('names a repeated parameter', async () => {
      const res = await app
        .http()
        .post('/token')
        .type('form')
        .set('Authorization', basicAuth(party.client.client_id, party.client.client_secret!))
        .send('grant_type=client_credentials&grant_type=refresh_token');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'parameter grant_type must appear once' });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['pragma']).toBe('no-cache');
    });

    it('refuses a JSON body', async () => {
      const res = await app.http().post('/token').send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('names a missing grant_type', async () => {
      const res = await tokenRequest(app, party.client, {});
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'missing parameter grant_type' });
    });

    it('answers unsupported_grant_type for an unknown grant', async () => {
      const res = await tokenRequest(app, party.client, { grant_type: 'password', username: 'u', password: 'p' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_grant_type');
    });

    it('answers unauthorized_client for a grant the client is not registered for', async () => {
      const res = await tokenRequest(app, party.client, { grant_type: 'client_credentials' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unauthorized_client');
    });

    it('survives garbage without a 5xx', async () => {
      const bodies = ['%', 'a=%ZZ', '&&&', 'grant_type[]=x', 'grant_type=authorization_code&code=%00', 'x'.repeat(5000)];
      for (const body of bodies) {
        const res = await app.http().post('/token').type('form').set('Authorization', 'Basic !!!').send(body);
        expect(res.status).toBeLessThan(500);
      }
    });
  });

  describe('client authentication failures answer 401 invalid_client with a challenge', () => {
    const expect401 = (res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }) => {
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      expect(res.headers['cache-control']).toBe('no-store');
    };

    it('for a wrong secret in Basic', async () => {
      expect401(await app.http().post('/token').type('form').set('Authorization', basicAuth(party.client.client_id, 'wrong')).send('grant_type=refresh_token&refresh_token=x'));
    });

    it('for an unknown client in Basic', async () => {
      expect401(await app.http().post('/token').type('form').set('Authorization', basicAuth('nobody', 'secret')).send('grant_type=refresh_token&refresh_token=x'));
    });

    it('for malformed Basic credentials', async () => {
      expect401(await app.http().post('/token').type('form').set('Authorization', 'Basic bm9jb2xvbg==').send('grant_type=refresh_token&refresh_token=x'));
    });

    it('for a confidential client that sends no secret', async () => {
      expect401(await app.http().post('/token').type('form').send(`grant_type=refresh_token&refresh_token=x&client_id=${party.client.client_id}`));
    });

    it('for a confidential client using a method it is not registered for', async () => {
      const form = `grant_type=refresh_token&refresh_token=x&client_id=${party.client.client_id}&client_secret=${party.client.client_secret}`;
      expect401(await app.http().post('/token').type('form').send(form));
    });

    it('for no client at all', async () => {
      expect401(await app.http().post('/token').type('form').send('grant_type=refresh_token&refresh_token=x'));
    });

    it('for a public client that sends a secret', async () => {
      const spa = await createClient(app, { token_endpoint_auth_method: 'none' });
      expect401(await app.http().post('/token').type('form').send(`grant_type=refresh_token&refresh_token=x&client_id=${spa.client_id}&client_secret=guess`));
    });

    it('but two methods at once are invalid_request', async () => {
      const res = await app
        .http()
        .post('/token')
        .type('form')
        .set('Authorization', basicAuth(party.client.client_id, party.client.client_secret!))
        .send(`grant_type=refresh_token&refresh_token=x&client_secret=${party.client.client_secret}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('client_credentials', () => {
    it('issues an access token whose subject is the client, without a refresh token', async () => {
      const service = await createClient(app, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'notes:read notes:write' });
      const res = await tokenRequest(app, service, { grant_type: 'client_credentials', scope: 'notes:read' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 600, scope: 'notes:read' });
      expect(jwtPayload(res.body.access_token)).toMatchObject({ sub: service.client_id, client_id: service.client_id, scope: 'notes:read' });
      expect(jwtPayload(res.body.access_token)).not.toHaveProperty('sid');
    });

    it('refuses a scope the client is not registered for', async () => {
      const service = await createClient(app, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'notes:read' });
      const res = await tokenRequest(app, service, { grant_type: 'client_credentials', scope: 'notes:read admin' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
    });
  });
});
