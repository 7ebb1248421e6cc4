import { randomBytes } from 'node:crypto';
import type { Answer, RecordingHttp } from './http';
import { callResource, callsBetween, describeCalls, outboundCalls, pollUntilRefused } from './resource-calls';
import { signInWithPkce } from './sign-in';
import { type DemoWorld, expectThat, type TokenPair } from './story';

/** One claim of the story, shown with the HTTP exchanges that prove it. */
export interface Step {
  title: string;
  /** One line: what the step shows. */
  shows: string;
  /** Runs the step; throws `StepFailure` when something is not as claimed. Returns figures. */
  run(world: DemoWorld, http: RecordingHttp, note: (line: string) => void): Promise<Record<string, number>>;
}

const basic = (clientId: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` });
const admin = (world: DemoWorld) => ({ Authorization: `Bearer ${world.auth.adminKey}` });

function tokenPair(answer: Answer): TokenPair {
  expectThat(typeof answer.body.access_token === 'string' && typeof answer.body.refresh_token === 'string', 'the token answer has an access and a refresh token');
  return { accessToken: answer.body.access_token, refreshToken: answer.body.refresh_token };
}

function jwtHeader(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function refresh(http: RecordingHttp, world: DemoWorld, refreshToken: string, withSecret = true): Promise<Answer> {
  const { clientId, clientSecret } = world.story.client!;
  return http.send('POST', world.auth.tokenEndpoint, {
    headers: withSecret ? basic(clientId, clientSecret) : {},
    form: { grant_type: 'refresh_token', refresh_token: refreshToken, ...(withSecret ? {} : { client_id: clientId }) },
  });
}

function introspect(http: RecordingHttp, world: DemoWorld, token: string): Promise<Answer> {
  const { clientId, clientSecret } = world.story.client!;
  return http.send('POST', world.auth.introspectionEndpoint, { headers: basic(clientId, clientSecret), form: { token, token_type_hint: 'refresh_token' } });
}

export const STEPS: Step[] = [
  {
    title: 'Sign in with PKCE through the login and consent pages',
    shows: 'a confidential client gets a short-lived JWT access token and a long-lived opaque refresh token for the user',
    async run(world, http, note) {
      const redirectUri = 'http://127.0.0.1/demo-app/callback';
      const client = await http.send('POST', `${world.auth.baseUrl}/admin/clients`, {
        headers: admin(world),
        json: { client_name: 'Demo web app', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], scope: 'notes:read', token_endpoint_auth_method: 'client_secret_basic' },
      });
      expectThat(client.status === 201 && typeof client.body.client_secret === 'string', 'the admin API registers a confidential client (201 with a secret)');
      world.story.client = { clientId: client.body.client_id as string, clientSecret: client.body.client_secret as string, redirectUri };
      const email = `demo-${randomBytes(3).toString('hex')}@example.com`;
      const password = randomBytes(12).toString('base64url');
      const user = await http.send('POST', `${world.auth.baseUrl}/admin/users`, { headers: admin(world), json: { email, password } });
      expectThat(user.status === 201, 'the admin API registers a user (201)');
      world.story.user = { id: user.body.id as string, email };

      const signIn = await signInWithPkce(http, {
        authorizationEndpoint: world.auth.authorizationEndpoint,
        clientId: world.story.client.clientId,
        redirectUri,
        scope: 'notes:read',
        email,
        password,
      });
      expectThat(signIn.pages.join(',') === 'login,consent', `the login page, then the consent page were shown (saw: ${signIn.pages.join(', ') || 'none'})`);
      expectThat(signIn.iss === world.auth.baseUrl, 'the redirect names the issuer (RFC 9207)');
      const exchange = await http.send('POST', world.auth.tokenEndpoint, {
        headers: basic(world.story.client.clientId, world.story.client.clientSecret),
        form: { grant_type: 'authorization_code', code: signIn.code, redirect_uri: redirectUri, code_verifier: signIn.verifier },
      });
      expectThat(exchange.status === 200, `the code exchange answers 200 (got ${exchange.status})`);
      expectThat(exchange.headers.get('cache-control')?.includes('no-store'), 'the token answer is Cache-Control: no-store');
      world.story.first = tokenPair(exchange);
      expectThat(jwtHeader(world.story.first.accessToken).typ === 'at+jwt', 'the access token is an RFC 9068 JWT (typ at+jwt)');
      expectThat(jwtHeader(world.story.first.refreshToken).typ === undefined, 'the refresh token is opaque (not a JWT)');
      note(`access token: a JWT, expires_in ${String(exchange.body.expires_in)} s; refresh token: ${world.story.first.refreshToken.length} opaque characters`);
      return {};
    },
  },
  {
    title: 'Call the resource server with the access token',
    shows: 'the resource server checks the signature with a cached public key and asks no one: no call to the authorization server, no database',
    async run(world, http, note) {
      const token = world.story.first!.accessToken;
      const before = await outboundCalls(http, world);
      const first = await callResource(http, world, token);
      const between = await outboundCalls(http, world);
      const second = await callResource(http, world, token);
      const after = await outboundCalls(http, world);
      const firstCalls = callsBetween(before, between);
      const secondCalls = callsBetween(between, after);
      expectThat(first.status === 200 && second.status === 200, `the resource server accepts the token (got ${first.status}, ${second.status})`);
      expectThat(first.body.sub === world.story.user!.id, 'the resource server sees the signed-in user as sub');
      note(`resource server's outbound traffic for the first call: ${describeCalls(firstCalls)}${firstCalls.httpRequests.length ? ' (its public keys, fetched once and cached)' : ''}`);
      note(`resource server's outbound traffic for the second call: ${describeCalls(secondCalls)}`);
      expectThat(firstCalls.httpRequests.every((request) => request === `GET ${world.auth.jwksUri}`), 'the first call fetched nothing but the public keys');
      expectThat(secondCalls.httpRequests.length === 0 && secondCalls.connectionsOpened === 0, 'the second call made no request and opened no connection');
      return { outboundRequests: secondCalls.httpRequests.length, connectionsOpened: secondCalls.connectionsOpened };
    },
  },
  {
    title: 'Present the refresh token to the resource server',
    shows: 'a refresh token is not an access token: resource servers refuse it, so it is only ever sent to the authorization server',
    async run(world, http) {
      const answer = await callResource(http, world, world.story.first!.refreshToken);
      expectThat(answer.status === 401, `the resource server answers 401 (got ${answer.status})`);
      expectThat(answer.headers.get('www-authenticate')?.includes('invalid_token'), 'its challenge says invalid_token');
      return {};
    },
  },
  {
    title: 'Refresh without the client secret',
    shows: 'a stolen refresh token alone is useless: the token endpoint wants the client\'s credentials too, and the token stays good for its owner',
    async run(world, http) {
      const stolen = await refresh(http, world, world.story.first!.refreshToken, false);
      expectThat(stolen.status === 401 && stolen.body.error === 'invalid_client', `the token endpoint answers 401 invalid_client (got ${stolen.status} ${String(stolen.body.error)})`);
      const status = await introspect(http, world, world.story.first!.refreshToken);
      expectThat(status.body.active === true, 'introspection by the owner says the refresh token is still active');
      return {};
    },
  },
  {
    title: 'Refresh with the client secret',
    shows: 'every refresh rotates: a new access token and a new refresh token, and the one presented is spent',
    async run(world, http) {
      const answer = await refresh(http, world, world.story.first!.refreshToken);
      expectThat(answer.status === 200, `the refresh answers 200 (got ${answer.status})`);
      world.story.second = tokenPair(answer);
      expectThat(world.story.second.refreshToken !== world.story.first!.refreshToken, 'the refresh token is a new one');
      const spent = await introspect(http, world, world.story.first!.refreshToken);
      expectThat(spent.body.active === false, 'introspection says the old refresh token is no longer active');
      const call = await callResource(http, world, world.story.second.accessToken);
      expectThat(call.status === 200, 'the resource server accepts the new access token');
      return {};
    },
  },
  {
    title: 'An attacker replays the old refresh token',
    shows: 'reuse of a spent refresh token revokes the whole family, and resource servers hear of it over the revocation feed within milliseconds',
    async run(world, http, note) {
      note('the attacker holds the spent refresh token and, this being a confidential client, its secret too (a public client has none)');
      const before = await outboundCalls(http, world);
      const replay = await refresh(http, world, world.story.first!.refreshToken);
      expectThat(replay.status === 400 && replay.body.error === 'invalid_grant', `the replay answers 400 invalid_grant (got ${replay.status} ${String(replay.body.error)})`);
      const refusal = await pollUntilRefused(http, world, world.story.second!.accessToken, 0, 5_000);
      expectThat(refusal, 'the resource server refuses the fresh access token within 5 s');
      const delayMs = refusal.answer.receivedAt - replay.receivedAt;
      const calls = callsBetween(before, await outboundCalls(http, world));
      note(`the resource server refused the fresh access token ${delayMs.toFixed(1)} ms after the replay was answered (call ${refusal.attempts})`);
      note(`resource server's outbound traffic meanwhile: ${describeCalls(calls)}: it learned of the revocation from the feed it follows`);
      expectThat(calls.httpRequests.length === 0, 'the resource server asked no one (the denial came over the feed)');
      const legitimate = await refresh(http, world, world.story.second!.refreshToken);
      expectThat(legitimate.status === 400 && legitimate.body.error === 'invalid_grant', 'the legitimate client\'s newest refresh token is revoked too (invalid_grant)');
      return { revocationReachMs: Math.round(delayMs * 10) / 10 };
    },
  },
  {
    title: 'Let a short-lived access token expire',
    shows: 'an access token needs no revocation to end: once it lapses, every resource server refuses it on its own',
    async run(world, http, note) {
      const ttl = world.shortLivedAuth.accessTokenTtlSeconds;
      const job = await http.send('POST', `${world.auth.baseUrl}/admin/clients`, {
        headers: admin(world),
        json: { client_name: 'Demo batch job', grant_types: ['client_credentials'], scope: 'notes:read', token_endpoint_auth_method: 'client_secret_basic' },
      });
      expectThat(job.status === 201, 'the admin API registers a client_credentials client');
      const issued = await http.send('POST', world.shortLivedAuth.tokenEndpoint, {
        headers: basic(job.body.client_id as string, job.body.client_secret as string),
        form: { grant_type: 'client_credentials', scope: 'notes:read' },
      });
      expectThat(issued.status === 200 && issued.body.expires_in === ttl, `the instance with ACCESS_TOKEN_TTL=${ttl} issues a token with expires_in ${ttl}`);
      const token = issued.body.access_token as string;
      const accepted = await callResource(http, world, token);
      expectThat(accepted.status === 200, 'the resource server accepts it while it is fresh');
      const allowance = world.resource.clockSkewSeconds;
      const refusal = await pollUntilRefused(http, world, token, 100, (ttl + allowance + 5) * 1000);
      expectThat(refusal, `the resource server refuses it within ${ttl + allowance + 5} s`);
      expectThat(refusal.answer.headers.get('www-authenticate')?.includes('expired'), 'the refusal says the token has expired');
      const afterSeconds = (refusal.answer.receivedAt - issued.receivedAt) / 1000;
      note(`refused as expired ${afterSeconds.toFixed(2)} s after it was issued (expires_in ${ttl} s, exp in whole seconds, plus the resource server's ${allowance} s clock-skew allowance)`);
      return { expiredAfterSeconds: Math.round(afterSeconds * 100) / 100 };
    },
  },
];
