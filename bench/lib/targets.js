'use strict';
// The three systems under load. Each is started as a child process (so its memory can be
// read from /proc) and seeded through its public HTTP surface only.
const { randomBytes } = require('node:crypto');
const { join, resolve } = require('node:path');
const { Browser, codeGrant, postForm } = require('./oauth-client');
const { freePort, startServer } = require('./child');
const { storeSizer } = require('./store-size');

const REDIRECT_URI = 'http://127.0.0.1:9/bench/callback';
const SCOPE = 'notes:read notes:write';
const DISCOVERY = '/.well-known/oauth-authorization-server';
/** The node flags of `npm start` (package.json), read from there so the two cannot drift. */
const OURS_NODE_FLAGS = require('../../package.json').scripts.start.split(' ').filter((word) => word.startsWith('--'));

async function getJson(url, headers = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function postJson(url, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function discover(baseUrl) {
  const metadata = await getJson(baseUrl + DISCOVERY);
  return {
    token: metadata.token_endpoint,
    introspection: metadata.introspection_endpoint,
    authorization: metadata.authorization_endpoint,
  };
}

/**
 * Signs in once (sign-in form, consent page): the session cookie for `code_flow` and every
 * later code. `renewTokens` fetches the access tokens for `verify` and `introspect` just
 * before their runs, so that a long run never meets an expired (or, in the peer's bounded
 * in-memory store, evicted) token.
 */
async function signIn(target) {
  const browser = new Browser();
  target.browser = browser;
  target.cookie = () => browser.cookieHeader();
  target.renewTokens = async () => {
    const answer = await codeGrant(browser, target, target.client, target.authorizeParams);
    target.accessToken = answer.access_token;
    target.introspectionToken = target.introspectionClient
      ? (await postForm(target.endpoints.token, target.introspectionClient, { grant_type: 'client_credentials', scope: SCOPE })).access_token
      : answer.access_token;
  };
  await target.renewTokens();
  return browser;
}

/** `count` fresh refresh tokens, one per connection, each from its own code exchange. */
async function refreshTokens(target, count) {
  const tokens = [];
  const worker = async () => {
    while (tokens.length < count) {
      tokens.push(null);
      const index = tokens.length - 1;
      const answer = await codeGrant(target.browser, target, target.client, target.authorizeParams);
      if (!answer.refresh_token) throw new Error(`${target.label}: the code exchange returned no refresh token`);
      tokens[index] = answer.refresh_token;
    }
  };
  // With `prompt=consent` every flow goes through an interaction, and concurrent interactions
  // of one browser would share (and overwrite) its interaction cookie: one at a time then.
  const parallel = target.authorizeParams?.prompt ? 1 : 4;
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return tokens;
}

/** Our server: `node <entry>` once per instance, all on one database. */
async function startOurs({ root, entry, databaseUrl, instances = 1, label, cpuProfileDir }) {
  const adminKey = randomBytes(24).toString('base64url');
  const keyEncryptionKey = randomBytes(32).toString('base64url');
  const ports = [];
  for (let i = 0; i < instances; i++) ports.push(await freePort());
  // One issuer for every instance: a token one signs, the others accept.
  const issuer = `http://127.0.0.1:${ports[0]}`;
  const servers = [];
  try {
    // One after the other: the first runs the migrations.
    for (const [i, port] of ports.entries()) {
      servers.push(await startServer({
        name: `${label}#${i + 1}`,
        cwd: root,
        args: [
          // As `npm start` runs it: a heap that grows in smaller steps and 8 MB semi-spaces.
          ...OURS_NODE_FLAGS,
          ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`, '-r', join(__dirname, 'exit-on-signal.js')] : []),
          resolve(root, entry),
        ],
        env: {
          PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, DATABASE_URL: databaseUrl,
          ADMIN_API_KEY: adminKey, NODE_ENV: 'production',
          // Production refuses to start without it; the keys are opened once, at start.
          KEY_ENCRYPTION_KEY: keyEncryptionKey,
        },
        port,
        readyPath: DISCOVERY,
      }));
    }
    const endpoints = { ...(await discover(servers[0].baseUrl)), me: `${issuer}/api/me` };
    const admin = { authorization: `Bearer ${adminKey}` };
    const registration = (name, extra) => postJson(`${issuer}/admin/clients`, {
      client_name: name,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      scope: SCOPE,
      token_endpoint_auth_method: 'client_secret_basic',
      ...extra,
    }, admin);
    const toClient = (registered) => ({
      id: registered.client_id, secret: registered.client_secret, redirectUri: REDIRECT_URI, scope: SCOPE,
    });
    const client = toClient(await registration('Benchmark client'));
    const user = { email: `bench-${randomBytes(4).toString('hex')}@example.com`, password: randomBytes(12).toString('base64url') };
    await postJson(`${issuer}/admin/users`, user, admin);
    const target = { kind: 'ours', label, servers, urls: servers.map((s) => s.baseUrl), endpoints, client, user, storeBytes: storeSizer(databaseUrl) };
    const browser = await signIn(target);
    // A flow without pages needs a remembered consent; else the code flow uses a first-party client.
    const again = await browser.authorize({
      authorizationEndpoint: endpoints.authorization, clientId: client.id, redirectUri: REDIRECT_URI, scope: SCOPE, user,
    });
    if (again.pages > 1) {
      target.flowClient = toClient(await registration('Benchmark first-party client', { skip_consent: true }));
      target.notes = ['consent is not remembered: code_flow uses a client registered with skip_consent'];
    }
    return target;
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
}

const referenceEnv = {
  BENCH_CLIENT_ID: 'bench',
  BENCH_CLIENT_SECRET: randomBytes(24).toString('base64url'),
  BENCH_REDIRECT_URI: REDIRECT_URI,
  BENCH_USER_EMAIL: 'bench@example.com',
  BENCH_USER_PASSWORD: randomBytes(12).toString('base64url'),
};

/** The ceiling (bench/ceiling.js), the floor (bench/floor.js) or the peer (bench/peer.js), configured by environment. */
async function startReference(kind, { root }) {
  const port = await freePort();
  const server = await startServer({
    name: kind,
    cwd: root,
    args: [join(root, 'bench', kind === 'peer-offline' ? 'peer.js' : `${kind}.js`)],
    env: { PORT: String(port), NODE_ENV: 'production', ...referenceEnv, ...(kind === 'peer-offline' ? { BENCH_PEER_OFFLINE: '1' } : {}) },
    port,
    readyPath: DISCOVERY,
  });
  try {
    const discovered = await discover(server.baseUrl);
    const client = { id: referenceEnv.BENCH_CLIENT_ID, secret: referenceEnv.BENCH_CLIENT_SECRET, redirectUri: REDIRECT_URI, scope: SCOPE };
    const target = {
      kind,
      label: kind,
      servers: [server],
      urls: [server.baseUrl],
      endpoints: { ...discovered, me: kind === 'ceiling' || kind === 'floor' ? `${server.baseUrl}/api/me` : undefined },
      client,
      user: { email: referenceEnv.BENCH_USER_EMAIL, password: referenceEnv.BENCH_USER_PASSWORD },
      notes: [],
    };
    if (kind === 'peer-offline') {
      // oidc-provider keeps `offline_access` only when consent is asked for.
      target.client = { ...client, scope: `${SCOPE} offline_access` };
      target.authorizeParams = { prompt: 'consent' };
      target.notes.push('refresh only: refresh tokens from a grant with offline_access, not bound to the sign-in session');
    }
    if (kind === 'peer') {
      // oidc-provider introspects only tokens it stores; it stores opaque ones, not JWTs.
      target.introspectionClient = { ...client, id: `${client.id}-opaque` };
      target.notes.push('verify: n/a (no resource API); introspect: an opaque access token (it does not store JWTs)');
    }
    await signIn(target);
    return target;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

module.exports = { refreshTokens, startOurs, startReference };
