'use strict';
// The ceiling: a bare node:http server doing only the essential work of each benchmark
// scenario with jose and in-memory maps. No framework, no database, no logging, no headers
// beyond what the protocol needs. Nothing real should be faster on the same machine.
//
// Env: PORT, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_REDIRECT_URI, BENCH_USER_EMAIL,
// BENCH_USER_PASSWORD.
const http = require('node:http');
const { createHash, randomBytes, randomUUID, timingSafeEqual } = require('node:crypto');
const { URLSearchParams } = require('node:url');
const { SignJWT, jwtVerify, generateKeyPair, exportJWK } = require('jose');

const port = Number(process.env.PORT || 0);
const issuer = `http://127.0.0.1:${port}`;
const audience = `${issuer}/api`;
const client = {
  id: process.env.BENCH_CLIENT_ID || 'bench',
  secretHash: sha256(process.env.BENCH_CLIENT_SECRET || 'bench-secret'),
  redirectUri: process.env.BENCH_REDIRECT_URI || 'http://127.0.0.1/callback',
};
const user = {
  id: 'user-1',
  email: process.env.BENCH_USER_EMAIL || 'bench@example.com',
  passwordHash: sha256(process.env.BENCH_USER_PASSWORD || 'bench-password'),
};
const ACCESS_TOKEN_TTL = 600;

const sessions = new Map(); // session id -> user id
const codes = new Map(); // code hash -> { challenge, redirectUri, sub, scope, expiresAt }
const refreshTokens = new Map(); // token hash -> { sub, scope, sid }
const deniedFamilies = new Set();

function sha256(value) {
  return createHash('sha256').update(value).digest();
}

function sameHash(value, expectedHash) {
  return timingSafeEqual(sha256(value), expectedHash);
}

function json(res, status, body, extraHeaders = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extraHeaders });
  res.end(text);
}

function oauthError(res, status, error) {
  json(res, status, { error, error_description: error });
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString())));
    req.on('error', reject);
  });
}

function authenticateClient(req) {
  const header = req.headers.authorization || '';
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString();
  const colon = decoded.indexOf(':');
  const id = decodeURIComponent(decoded.slice(0, colon));
  const secret = decodeURIComponent(decoded.slice(colon + 1));
  return id === client.id && sameHash(secret, client.secretHash);
}

function cookie(req, name) {
  const match = (req.headers.cookie || '').match(new RegExp(`(?:^|;\\s*)${name}=([^;]+)`));
  return match ? match[1] : undefined;
}

let keys;

function signAccessToken({ sub, scope, sid }) {
  return new SignJWT({ client_id: client.id, scope, ...(sid ? { sid } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject(sub)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL}s`)
    .setJti(randomUUID())
    .sign(keys.privateKey);
}

async function verifyAccessToken(token) {
  const { payload } = await jwtVerify(token, keys.publicKey, {
    issuer, audience, typ: 'at+jwt', algorithms: ['ES256'],
  });
  if (payload.sid && deniedFamilies.has(payload.sid)) throw new Error('revoked');
  return payload;
}

async function issueWithRefresh(res, { sub, scope, sid }) {
  const refreshToken = randomBytes(32).toString('base64url');
  refreshTokens.set(sha256(refreshToken).toString('base64url'), { sub, scope, sid });
  json(res, 200, {
    access_token: await signAccessToken({ sub, scope, sid }),
    token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL, scope, refresh_token: refreshToken,
  });
}

async function token(req, res) {
  const form = await readForm(req);
  if (!authenticateClient(req)) return oauthError(res, 401, 'invalid_client');
  const grantType = form.get('grant_type');
  if (grantType === 'client_credentials') {
    const scope = form.get('scope') || '';
    return json(res, 200, {
      access_token: await signAccessToken({ sub: client.id, scope }),
      token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL, scope,
    });
  }
  if (grantType === 'refresh_token') {
    const hash = sha256(form.get('refresh_token') || '').toString('base64url');
    const family = refreshTokens.get(hash);
    if (!family) return oauthError(res, 400, 'invalid_grant');
    refreshTokens.delete(hash); // spent
    return issueWithRefresh(res, family);
  }
  if (grantType === 'authorization_code') {
    const hash = sha256(form.get('code') || '').toString('base64url');
    const grant = codes.get(hash);
    codes.delete(hash);
    const verifier = form.get('code_verifier') || '';
    if (!grant || grant.expiresAt < Date.now() || grant.redirectUri !== form.get('redirect_uri')
      || createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
      return oauthError(res, 400, 'invalid_grant');
    }
    return issueWithRefresh(res, { sub: grant.sub, scope: grant.scope, sid: randomUUID() });
  }
  return oauthError(res, 400, 'unsupported_grant_type');
}

async function introspect(req, res) {
  const form = await readForm(req);
  if (!authenticateClient(req)) return oauthError(res, 401, 'invalid_client');
  try {
    const claims = await verifyAccessToken(form.get('token') || '');
    json(res, 200, { active: true, ...claims, token_type: 'Bearer' });
  } catch {
    json(res, 200, { active: false });
  }
}

async function me(req, res) {
  const header = req.headers.authorization || '';
  try {
    const claims = await verifyAccessToken(header.startsWith('Bearer ') ? header.slice(7) : '');
    json(res, 200, { sub: claims.sub, client_id: claims.client_id, scope: claims.scope });
  } catch {
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
    res.end();
  }
}

function authorize(req, res, url) {
  const q = url.searchParams;
  if (q.get('client_id') !== client.id || q.get('redirect_uri') !== client.redirectUri) {
    res.writeHead(400, { 'content-type': 'text/html' });
    return res.end('<p>bad client or redirect_uri</p>');
  }
  const sub = sessions.get(cookie(req, 'sid'));
  if (!sub) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(`<form method="post" action="/login">
<input type="hidden" name="return_to" value="${url.pathname}${url.search.replace(/"/g, '&quot;')}">
<input type="email" name="email"><input type="password" name="password"><button type="submit">Sign in</button></form>`);
  }
  const code = randomBytes(32).toString('base64url');
  codes.set(sha256(code).toString('base64url'), {
    challenge: q.get('code_challenge'), redirectUri: client.redirectUri, sub,
    scope: q.get('scope') || '', expiresAt: Date.now() + 60_000,
  });
  const target = new URL(client.redirectUri);
  target.searchParams.set('code', code);
  target.searchParams.set('state', q.get('state') || '');
  target.searchParams.set('iss', issuer);
  res.writeHead(302, { location: target.toString() });
  res.end();
}

async function login(req, res) {
  const form = await readForm(req);
  const returnTo = form.get('return_to') || '/';
  if (form.get('email') !== user.email || !sameHash(form.get('password') || '', user.passwordHash)
    || !returnTo.startsWith('/authorize?')) {
    res.writeHead(400, { 'content-type': 'text/html' });
    return res.end('<p>sign-in failed</p>');
  }
  const sid = randomBytes(32).toString('base64url');
  sessions.set(sid, user.id);
  res.writeHead(302, { location: returnTo, 'set-cookie': `sid=${sid}; HttpOnly; Path=/; SameSite=Lax` });
  res.end();
}

const metadata = () => ({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  introspection_endpoint: `${issuer}/introspect`,
  jwks_uri: `${issuer}/jwks`,
});

/** Answers one request: the routing of the ceiling, shared with the floor (bench/floor.js). */
function route(req, res) {
  const url = new URL(req.url, issuer);
  const handle = {
    'GET /api/me': () => me(req, res),
    'POST /token': () => token(req, res),
    'POST /introspect': () => introspect(req, res),
    'GET /authorize': () => authorize(req, res, url),
    'POST /login': () => login(req, res),
    'GET /.well-known/oauth-authorization-server': () => json(res, 200, metadata()),
    'GET /jwks': () => json(res, 200, { keys: [keys.publicJwk] }),
  }[`${req.method} ${url.pathname}`];
  if (!handle) {
    res.writeHead(404);
    return res.end();
  }
  return Promise.resolve(handle()).catch(() => {
    if (!res.headersSent) oauthError(res, 500, 'server_error');
    else res.end();
  });
}

/** The signing key, made once before the first request. */
async function prepare() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'ceiling-1', alg: 'ES256', use: 'sig' };
  keys = { privateKey, publicKey, publicJwk, kid: publicJwk.kid };
}

module.exports = { port, prepare, route };

if (require.main === module) {
  (async () => {
    await prepare();
    const server = http.createServer(route);
    server.keepAliveTimeout = 65_000;
    server.listen(port, '127.0.0.1');
  })();
}
