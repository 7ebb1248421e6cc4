import fc from 'fast-check';
import { Agent, request } from 'node:http';

/** One generated HTTP request, sent as raw bytes: nothing is normalised on the way out. */
export interface FuzzRequest {
  readonly target: string;
  readonly method: string;
  /** Path and query exactly as written on the request line. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

export interface PendingForm {
  requestId: string;
  csrfToken: string;
  cookie: string;
}

/** What the generator needs to reach past the first checks: real ids, secrets, tokens, forms. */
export interface FuzzFixtures {
  adminKey: string;
  clientId: string;
  clientSecret: string;
  publicClientId: string;
  redirectUri: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
  code: string;
  /** A pending sign-in: its form fields and the browser cookie they are bound to. */
  login: PendingForm;
  /** A signed-in browser at the consent page. */
  consent: PendingForm;
}

/** encodeURIComponent that takes lone surrogates too (as U+FFFD, as a UTF-8 encoder would). */
const uri = (value: string) => encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'));

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${uri(id)}:${uri(secret)}`).toString('base64')}`;

// ---- values ------------------------------------------------------------------

/** Over the 100 kB body limit, over Node's 16 kB header limit, and just under both. */
const HUGE = ['a'.repeat(120_000), 'é'.repeat(60_000), 'b'.repeat(15_000), 'c'.repeat(4_000)];

/** Strings that break naive code: NUL, lone surrogates, huge, numeric, whitespace, markup. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\0', 'a\0b', '\uD800', '\uDFFF', '%00', '%ff', '%', '..', '../../etc/passwd', '<script>', "' OR 1=1 --", '1e21', '-1', 'NaN', 'null', 'true', '[]', '{}', '0x10', '9'.repeat(400)),
  fc.constantFrom(...HUGE),
  fc.double().map(String),
);

/** Valid-looking values mixed with hostile ones, so requests reach past the first check. */
function valueFor(fixtures: FuzzFixtures) {
  return fc.oneof(
    { weight: 3, arbitrary: hostileString },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        fixtures.clientId,
        fixtures.publicClientId,
        fixtures.clientSecret,
        fixtures.redirectUri,
        fixtures.accessToken,
        fixtures.refreshToken,
        fixtures.code,
        fixtures.userId,
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'openid notes:read',
        'notes:read notes:write offline_access',
        'code',
        'S256',
        'plain',
        'access_token',
        'none login consent',
        // As prompt it once overflowed a varchar(32) on PostgreSQL (a 500).
        'login login login login login login',
      ),
    },
  );
}

/** Percent-encoded, raw, invalid-escape and invalid-UTF-8 forms of a value. */
const encodings = fc.constantFrom<(value: string) => string>(
  (value) => uri(value),
  (value) => uri(value).replace(/%20/g, '+'),
  (value) => Buffer.from(value, 'utf8').toString('latin1').replace(/[^A-Za-z0-9._~-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').slice(-2)}`),
  () => '%zz',
  () => '%c3%28', // invalid UTF-8
  () => '%ed%a0%80', // an encoded surrogate
);

/** `a=1&a=2&b[]=x…`: known names (repeated or not) and random ones, each value encoded some way. */
function formPairs(knownNames: string[], fixtures: FuzzFixtures) {
  const names = knownNames.length ? knownNames : ['x'];
  const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom('x', 'a[]', 'a[b]', '__proto__', 'constructor', '') });
  return fc
    .array(fc.tuple(name, valueFor(fixtures), encodings), { maxLength: 8 })
    .map((pairs) => pairs.map(([key, value, encode]) => `${uri(key)}=${encode(value)}`).join('&'));
}

/** Nested past any sane depth (the server allows 32), closed, unclosed, as arrays and objects. */
const DEEP = [10_000, 33, 500].flatMap((depth) => ['['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth), '['.repeat(depth)]);

function jsonBody(knownNames: string[], fixtures: FuzzFixtures) {
  const field = fc.constantFrom(...(knownNames.length ? knownNames : ['x']));
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  return fc.oneof(
    fc.dictionary(field, fc.oneof(valueFor(fixtures), anyJson, fc.array(valueFor(fixtures), { maxLength: 3 })), { maxKeys: 8 }).map((value) => JSON.stringify(value)),
    anyJson.map((value) => JSON.stringify(value)),
    fc.constantFrom(...DEEP),
    fc.constantFrom('', 'null', '"text"', '{', '{"a":1,"a":2}', '{"__proto__":{"admin":true}}', '{"client_name":"\\u0000"}'),
  );
}

// ---- requests ----------------------------------------------------------------

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=latin1',
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=nonsense',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/*',
  ';;;',
];

function bodyFor(names: string[], fixtures: FuzzFixtures) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constant('application/x-www-form-urlencoded'), formPairs(names, fixtures)) },
    { weight: 3, arbitrary: fc.tuple(fc.constant('application/json'), jsonBody(names, fixtures)) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.oneof(formPairs(names, fixtures), jsonBody(names, fixtures))) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CONTENT_TYPES, ''), fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes).toString('latin1'))) },
  );
}

function authorizationFor(fixtures: FuzzFixtures) {
  return fc.oneof(
    fc.constant(undefined),
    fc.constant(basic(fixtures.clientId, fixtures.clientSecret)),
    hostileString.map((secret) => basic(fixtures.clientId, secret.slice(0, 300))),
    fc.uint8Array({ maxLength: 60 }).map((bytes) => `Basic ${Buffer.from(bytes).toString('base64')}`),
    fc.constant(`Bearer ${fixtures.accessToken}`),
    fc.constant(`Bearer ${fixtures.adminKey}`),
    fc.constantFrom('Basic', 'Basic !!!', 'Bearer', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.e30.', 'Digest x', 'Basic Og=='),
  );
}

/** Header values as Node's client sends them: visible Latin-1, no line breaks. */
const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?').slice(0, 8_000);

function request$(target: string, methods: string[], paths: fc.Arbitrary<string>, bodyNames: string[], fixtures: FuzzFixtures, extraHeaders: fc.Arbitrary<Record<string, string>> = fc.constant({})) {
  return fc
    .record({
      method: fc.constantFrom(...methods),
      path: paths,
      body: fc.option(bodyFor(bodyNames, fixtures), { freq: 4 }),
      authorization: authorizationFor(fixtures),
      forwardedFor: fc.oneof(fc.constant('203.0.113.7'), fc.constantFrom('::1', 'garbage', '1.2.3.4, 5.6.7.8', '', '999.1.1.1')),
      extra: extraHeaders,
    })
    .map(({ method, path, body, authorization, forwardedFor, extra }): FuzzRequest => {
      const headers: Record<string, string> = { 'x-forwarded-for': forwardedFor, ...extra };
      if (authorization) headers.authorization = headerSafe(authorization);
      if (body && body[0]) headers['content-type'] = body[0];
      return { target, method, path, headers, body: body ? Buffer.from(body[1], body[0].includes('json') || body[0].includes('form') ? 'utf8' : 'latin1') : undefined };
    });
}

const TOKEN_PARAMS = ['grant_type', 'code', 'code_verifier', 'redirect_uri', 'refresh_token', 'scope', 'client_id', 'client_secret', 'resource', 'audience'];
const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'prompt', 'max_age', 'nonce', 'request', 'resource'];
const CLIENT_FIELDS = ['client_name', 'redirect_uris', 'grant_types', 'scope', 'token_endpoint_auth_method', 'skip_consent', 'overlap_seconds', 'client_secret'];
const USER_FIELDS = ['email', 'password', 'roles'];

/** A path with a query string built from `names`, raw (repeated, invalid escapes and all). */
function withQuery(base: fc.Arbitrary<string>, names: string[], fixtures: FuzzFixtures) {
  return fc.tuple(base, fc.option(formPairs(names, fixtures), { freq: 2 })).map(([path, query]) => (query === null ? path : `${path}?${query}`));
}

/** Path segments: real ids, hostile text (encoded so that it fits on a request line). */
function segment(fixtures: FuzzFixtures) {
  return fc.oneof(fc.constantFrom(fixtures.clientId, fixtures.userId, 'none', '0', '%00', '%zz', '..', '%2e%2e'), hostileString.map((value) => uri(value.slice(0, 500))));
}

/**
 * A valid request with one parameter replaced by a hostile value, dropped, or repeated: these
 * get past the first checks into the grant handlers and the authorization request's storage.
 */
function mutatedForm(valid: Record<string, string>, fixtures: FuzzFixtures) {
  return fc
    .record({
      name: fc.constantFrom(...Object.keys(valid)),
      how: fc.constantFrom('replace', 'drop', 'repeat', 'repeat-same'),
      value: valueFor(fixtures),
      encode: encodings,
    })
    .map(({ name, how, value, encode }) =>
      Object.entries(valid)
        .flatMap(([key, original]): Array<[string, string]> => {
          if (key !== name) return [[key, uri(original)]];
          if (how === 'drop') return [];
          if (how === 'replace') return [[key, encode(value)]];
          return [
            [key, uri(original)],
            [key, how === 'repeat-same' ? uri(original) : encode(value)],
          ];
        })
        .map(([key, value]) => `${key}=${value}`)
        .join('&'),
    );
}

/** Every endpoint, each with the kinds of input it should shrug off. */
export function fuzzRequests(fixtures: FuzzFixtures): fc.Arbitrary<FuzzRequest> {
  const id = segment(fixtures);
  const loginForm = fc
    .record({
      real: fc.boolean(),
      email: valueFor(fixtures),
      password: valueFor(fixtures),
      decision: fc.option(fc.constantFrom('allow', 'deny', '', 'maybe'), { freq: 3 }),
      encode: encodings,
    })
    .map(({ real, email, password, decision, encode }) => {
      const pending = decision === null ? fixtures.login : fixtures.consent;
      const fields = real ? `request_id=${pending.requestId}&csrf_token=${uri(pending.csrfToken)}` : `request_id=${encode(email)}&csrf_token=x`;
      const answer = decision === null ? `email=${encode(email)}&password=${encode(password)}` : `decision=${decision}`;
      return { body: `${fields}&${answer}`, cookie: real ? pending.cookie : '' };
    });
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
  const validAuthorize = { response_type: 'code', client_id: fixtures.publicClientId, redirect_uri: fixtures.redirectUri, scope: 'notes:read', state: 's', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'login' };
  const validGrants: Array<Record<string, string>> = [
    { grant_type: 'authorization_code', code: fixtures.code, redirect_uri: fixtures.redirectUri, code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' },
    { grant_type: 'refresh_token', refresh_token: fixtures.refreshToken, scope: 'notes:read' },
    { grant_type: 'client_credentials', scope: 'notes:read' },
  ];
  const client = basic(fixtures.clientId, fixtures.clientSecret);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...validGrants), fc.boolean()).chain(([grant, inBody]) =>
      mutatedForm(inBody ? { ...grant, client_id: fixtures.clientId, client_secret: fixtures.clientSecret } : grant, fixtures).map(
        (body): FuzzRequest => ({
          target: 'token',
          method: 'POST',
          path: '/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9', ...(inBody ? {} : { authorization: client }) },
          body: Buffer.from(body),
        }),
      ),
    ),
    mutatedForm(validAuthorize, fixtures).map((query): FuzzRequest => ({ target: 'authorize', method: 'GET', path: `/authorize?${query}`, headers: { 'x-forwarded-for': '203.0.113.9' } })),
    request$('token', ['POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'GET'], withQuery(fc.constant('/token'), TOKEN_PARAMS, fixtures), TOKEN_PARAMS, fixtures),
    request$('authorize', ['GET', 'GET', 'GET', 'POST', 'HEAD'], withQuery(fc.constant('/authorize'), AUTHORIZE_PARAMS, fixtures), AUTHORIZE_PARAMS, fixtures),
    loginForm.map(({ body, cookie }): FuzzRequest => ({
      target: 'login/consent form',
      method: 'POST',
      path: '/authorize',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': '203.0.113.8' },
      body: Buffer.from(body),
    })),
    request$('introspect', ['POST', 'POST', 'POST', 'POST', 'GET'], withQuery(fc.constant('/introspect'), ['token', 'token_type_hint'], fixtures), ['token', 'token_type_hint', 'client_id', 'client_secret'], fixtures),
    request$('revoke', ['POST', 'POST', 'POST', 'POST', 'DELETE'], withQuery(fc.constant('/revoke'), ['token', 'token_type_hint'], fixtures), ['token', 'token_type_hint', 'client_id', 'client_secret'], fixtures),
    request$(
      'admin clients',
      ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'],
      withQuery(
        fc.oneof(fc.constant('/admin/clients'), id.map((value) => `/admin/clients/${value}`), id.map((value) => `/admin/clients/${value}/secret`)),
        ['offset', 'limit', 'sort'],
        fixtures,
      ),
      CLIENT_FIELDS,
      fixtures,
    ),
    request$(
      'admin users and keys',
      ['GET', 'POST', 'DELETE', 'PATCH'],
      fc.oneof(fc.constant('/admin/users'), id.map((value) => `/admin/users/${value}`), id.map((value) => `/admin/users/${value}/sessions`), fc.constant('/admin/keys/rotate')),
      USER_FIELDS,
      fixtures,
    ).filter((req) => !(req.path === '/admin/keys/rotate' && req.headers.authorization === `Bearer ${fixtures.adminKey}`)),
    request$('resource API', ['GET', 'POST', 'DELETE', 'PUT'], fc.oneof(fc.constant('/api/me'), fc.constant('/api/notes'), id.map((value) => `/api/notes/${value}`)), ['text', 'id'], fixtures),
    request$('revocation feed', ['GET', 'GET', 'GET', 'POST'], withQuery(fc.constant('/revocations/stream'), ['since'], fixtures), [], fixtures, fc.record({ 'last-event-id': hostileString.map(headerSafe) })),
    request$(
      'discovery and pages',
      ['GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS'],
      withQuery(fc.constantFrom('/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json', '/logout', '/health', '/health/ready', '/docs-json', '/nope'), ['x'], fixtures),
      ['csrf_token'],
      fixtures,
    ),
  );
}

/** Sends one request and answers its status; a stream (the feed) is cut once its status is known. */
export function send(baseUrl: string, agent: Agent, req: FuzzRequest): Promise<number> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) }, agent },
      (res) => {
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          outgoing.destroy();
          return resolve(res.statusCode ?? 0);
        }
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
