import { Logger } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { BackChannelLogoutPolicy } from '../../src/oidc/back-channel-logout';
import { FixedClock } from '../../src/common/clock';
import { mintAccessToken, mintWithForeignKey } from '../support/access-tokens';
import { authorizationPath, BrowserCookies, formField } from '../support/authorize-flow';
import { createTestApp, databases, TestApp } from '../support/test-app';
import { eventually } from '../support/timing';
import { createParty, jwtPayload, Party, signInAndExchange } from '../support/token-helpers';

const SIGNED_OUT = 'https://app.example.com/signed-out';

/** RP-Initiated Logout 1.0 at end_session_endpoint (`/logout`). */
describe.each(databases)('RP-initiated logout on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let clock: FixedClock;
  beforeAll(async () => {
    clock = new FixedClock(new Date());
    app = await createTestApp({ databaseUrl, clock });
  });
  afterAll(() => app.close());

  const signedIn = async () => {
    const party = await createParty(app, { scope: 'openid notes:read', post_logout_redirect_uris: [SIGNED_OUT] });
    const tokens = await signInAndExchange(app, party);
    return { party, idToken: tokens.id_token! };
  };
  const stillSignedIn = async (party: Party) => {
    const res = await app.http().get(authorizationPath(party.client, { prompt: 'none', scope: 'openid' })).set('Cookie', party.cookies.header());
    return new URL(res.headers.location).searchParams.get('error') !== 'login_required';
  };
  const endSession = (party: Party, query: Record<string, string>) =>
    app.http().get(`/logout?${new URLSearchParams(query).toString()}`).set('Cookie', party.cookies.header());

  it('ends the session at once with a valid id_token_hint and returns to the registered URI with state', async () => {
    const { party, idToken } = await signedIn();
    const res = await endSession(party, { id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'st 1' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${SIGNED_OUT}?state=st+1`);
    expect(res.headers['set-cookie']).toEqual(expect.arrayContaining([expect.stringMatching(/^oauth_session=;.*Expires=Thu, 01 Jan 1970/)]));
    expect(await stillSignedIn(party)).toBe(false);
  });

  it('accepts an expired id_token_hint whose signature is ours, as a form POST too', async () => {
    const { party, idToken } = await signedIn();
    clock.advance(app.config.accessTokenTtlSeconds + 60);
    expect((jwtPayload(idToken).exp as number) * 1000).toBeLessThan(clock.now().getTime());
    const res = await app
      .http()
      .post('/logout')
      .type('form')
      .set('Cookie', party.cookies.header())
      .send({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(SIGNED_OUT);
    expect(await stillSignedIn(party)).toBe(false);
  });

  it('never redirects to a post_logout_redirect_uri the client did not register', async () => {
    const { party, idToken } = await signedIn();
    for (const uri of ['https://evil.example.com/', `${SIGNED_OUT}/extra`, 'https://app.example.com/callback']) {
      const res = await endSession(party, { id_token_hint: idToken, post_logout_redirect_uri: uri, state: 'x' });
      expect(res.status).toBe(200);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('Signed out');
      expect(res.text).toContain('invalid_request');
    }
    // Without a hint or client_id nothing names the client, so nothing can be registered.
    const anonymous = await app.http().get(`/logout?post_logout_redirect_uri=${encodeURIComponent(SIGNED_OUT)}`);
    expect(anonymous.headers.location).toBeUndefined();
  });

  it('without a hint asks for confirmation on a CSRF-protected page, and ends the session only then', async () => {
    const { party } = await signedIn();
    const page = await endSession(party, { client_id: party.client.client_id, post_logout_redirect_uri: SIGNED_OUT, state: 'abc' });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).toMatch(/<form method="post"/);
    expect(page.text).toContain('name="decision" value="logout"');
    expect(page.text).not.toMatch(/<script/i);
    expect(await stillSignedIn(party)).toBe(true);

    const form = {
      csrf_token: formField(page.text, 'csrf_token')!,
      client_id: formField(page.text, 'client_id')!,
      post_logout_redirect_uri: formField(page.text, 'post_logout_redirect_uri')!,
      state: formField(page.text, 'state')!,
      decision: 'logout',
    };
    const forged = await app.http().post('/logout').type('form').set('Cookie', party.cookies.header()).send({ ...form, csrf_token: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
    const otherBrowser = await app.http().post('/logout').type('form').set('Cookie', new BrowserCookies().header()).send(form);
    expect(otherBrowser.status).toBe(403);
    expect(await stillSignedIn(party)).toBe(true);

    const confirmed = await app.http().post('/logout').type('form').set('Cookie', party.cookies.header()).send(form);
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.location).toBe(`${SIGNED_OUT}?state=abc`);
    expect(await stillSignedIn(party)).toBe(false);
  });

  it('asks for confirmation when the hint names another user than the signed-in one', async () => {
    const { idToken } = await signedIn();
    const { party } = await signedIn();
    const res = await endSession(party, { id_token_hint: idToken });
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="decision" value="logout"');
    expect(await stillSignedIn(party)).toBe(true);
  });

  it('answers a 400 page, never a 5xx, to a malformed or foreign id_token_hint, and the session lives on', async () => {
    const { party, idToken } = await signedIn();
    const hints = [
      'not-a-jwt',
      'a.b.c',
      `${idToken.slice(0, -4)}AAAA`,
      await mintWithForeignKey(app),
      await mintAccessToken(app), // ours, but an access token (typ at+jwt)
      'x'.repeat(5000),
    ];
    for (const hint of hints) {
      const res = await endSession(party, { id_token_hint: hint, post_logout_redirect_uri: SIGNED_OUT });
      expect(res.status).toBe(400);
      expect(res.text).toContain('invalid_request');
    }
    const mismatch = await endSession(party, { id_token_hint: idToken, client_id: 'another-client' });
    expect(mismatch.status).toBe(400);
    const repeated = await app.http().get('/logout?state=a&state=b').set('Cookie', party.cookies.header());
    expect(repeated.status).toBe(400);
    expect(await stillSignedIn(party)).toBe(true);
  });
});

/** A client's back-channel logout endpoint on 127.0.0.1 that validates what it is sent. */
class LogoutReceiver {
  readonly tokens: string[] = [];
  /** Method and content type of every request, to check they were a form POST. */
  readonly requests: string[] = [];
  private server!: Server;
  private waiters: Array<() => void> = [];
  /** Status codes to answer, in order; 200 after they run out; 0 holds the request unanswered. */
  answers: number[] = [];
  /** Requests held unanswered, and whether their sender has hung up. */
  readonly held: Array<{ res: ServerResponse; closed: boolean }> = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/backchannel-logout`;
  }

  /** Resolves when `count` requests have arrived. */
  received(count: number): Promise<void> {
    if (this.tokens.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(() => this.tokens.length >= count && resolve()));
  }

  stop(): Promise<void> {
    for (const { res } of this.held) res.end();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    this.requests.push(`${req.method} ${req.headers['content-type']}`);
    this.tokens.push(new URLSearchParams(body).get('logout_token') ?? '');
    const status = this.answers.shift() ?? 200;
    if (status === 0) {
      const entry = { res, closed: false };
      res.on('close', () => (entry.closed = true));
      this.held.push(entry);
    } else {
      res.writeHead(status).end();
    }
    for (const waiter of this.waiters) waiter();
  }
}

describe.each(databases)('back-channel logout on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let receiver: LogoutReceiver;
  beforeAll(async () => {
    receiver = new LogoutReceiver();
    await receiver.start();
    app = await createTestApp({
      databaseUrl,
      listen: true,
      override: (builder) =>
        builder.overrideProvider(BackChannelLogoutPolicy).useValue({ attempts: 3, firstRetryDelayMs: 20, timeoutMs: 2000 } satisfies BackChannelLogoutPolicy),
    });
  });
  afterAll(async () => {
    await app.close();
    await receiver.stop();
  });

  const logoutWithHint = async (party: Party, idToken: string) => {
    const res = await app.http().get(`/logout?id_token_hint=${idToken}`).set('Cookie', party.cookies.header());
    expect(res.status).toBe(200);
    expect(res.text).toContain('Signed out');
  };

  it('POSTs a logout token that validates against our JWKS: typ logout+jwt, events, sub, sid, no nonce', async () => {
    const party = await createParty(app, { scope: 'openid offline_access', backchannel_logout_uri: receiver.url, backchannel_logout_session_required: true });
    const bystander = await createParty(app, { scope: 'openid' }); // no back-channel URI: nothing sent
    await signInAndExchange(app, bystander);
    const tokens = await signInAndExchange(app, party);
    const before = receiver.tokens.length;
    await logoutWithHint(party, tokens.id_token!);
    await receiver.received(before + 1);

    const jwks = createRemoteJWKSet(new URL(`${app.baseUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(receiver.tokens[before], jwks, {
      issuer: app.config.issuer,
      audience: party.client.client_id,
      typ: 'logout+jwt',
      requiredClaims: ['iat', 'exp', 'jti', 'sub', 'sid'],
    });
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload).toMatchObject({
      sub: party.user.id,
      sid: jwtPayload(tokens.id_token!).sid,
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    expect(payload.nonce).toBeUndefined();
    expect(receiver.tokens).toHaveLength(before + 1);
    expect(receiver.requests[before]).toBe('POST application/x-www-form-urlencoded');
  });

  it('answers the logout without waiting for a client that does not answer', async () => {
    const party = await createParty(app, { scope: 'openid', backchannel_logout_uri: receiver.url });
    const tokens = await signInAndExchange(app, party);
    receiver.answers = [0];
    const before = receiver.tokens.length;
    await logoutWithHint(party, tokens.id_token!);
    await receiver.received(before + 1);
    // The browser got its answer while the delivery is still waiting on the client.
    expect(receiver.held.at(-1)!.closed).toBe(false);
  });

  it('retries with backoff until the client answers 200, logging each attempt without the token', async () => {
    const logged: string[] = [];
    const record = (message: unknown) => void logged.push(JSON.stringify(message));
    const spies = [jest.spyOn(Logger.prototype, 'log').mockImplementation(record), jest.spyOn(Logger.prototype, 'warn').mockImplementation(record)];
    try {
      const party = await createParty(app, { scope: 'openid', backchannel_logout_uri: receiver.url });
      const tokens = await signInAndExchange(app, party);
      receiver.answers = [503, 500];
      const before = receiver.tokens.length;
      await logoutWithHint(party, tokens.id_token!);
      await receiver.received(before + 3);
      // The third attempt is logged once its answer is in.
      const attemptLine = (n: number) => logged.find((line) => line.includes(`"attempt":${n}`) && line.includes(party.client.client_id));
      await eventually(() => attemptLine(3) !== undefined);
      expect(attemptLine(1)).toContain('"status":503');
      expect(attemptLine(2)).toContain('"status":500');
      expect(attemptLine(3)).toContain('"status":200');
      expect(receiver.tokens).toHaveLength(before + 3);
      for (const token of receiver.tokens.slice(before)) expect(logged.join('\n')).not.toContain(token);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
