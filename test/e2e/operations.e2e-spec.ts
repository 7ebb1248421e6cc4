import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { ClientsService } from '../../src/clients/clients.service';
import { AppConfig } from '../../src/config/app-config';
import { loggerOptions } from '../../src/logging/logger-options';
import { BUILD_NODE_PATH, compiledTree, ROOT } from '../support/compiled-build';
import { ADMIN_KEY, createTestApp, databases, freePort, TestApp } from '../support/test-app';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };
const webApp = {
  client_name: 'Ops test app',
  redirect_uris: ['https://ops.example.com/cb'],
  grant_types: ['authorization_code'],
  scope: 'openid',
  token_endpoint_auth_method: 'client_secret_basic',
};

/** Every log line the app writes, as parsed JSON. */
class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  raw = '';
  _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.raw += chunk.toString();
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

/** Resolves once the child's JSON log has a line matching `predicate`. */
function logLineSeen(child: ChildProcessWithoutNullStreams, predicate: (line: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.some((line) => line.startsWith('{') && predicate(JSON.parse(line) as Record<string, unknown>))) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', () => reject(new Error('the server exited before logging the line')));
  });
}

// One stream for the whole file: nestjs-pino keeps its out-of-request logger process-wide.
const logs = new LogCapture();

describe.each(databases)('operations on %s', (name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      databaseUrl,
      // The production logger options, at level info, written to a stream the test reads.
      override: (builder) =>
        builder
          .overrideProvider(PARAMS_PROVIDER_TOKEN)
          .useValue({ pinoHttp: [loggerOptions({ logLevel: 'info' } as AppConfig).pinoHttp, logs] }),
    });
  });
  afterAll(() => app.close());

  describe('health', () => {
    // A second app on the same store: the probes are tested apart from the captured logs.
    let probed: TestApp;
    beforeAll(async () => {
      probed = await createTestApp({ databaseUrl: app.databaseUrl });
    });
    afterAll(() => probed.close());

    it('answers liveness at /health without touching the database', async () => {
      const res = await probed.http().get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok' });
      expect(res.body.details).toEqual({});
    });

    it('answers readiness at /health/ready with the database up', async () => {
      const res = await probed.http().get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    });

    it('answers 503 to readiness, and still 200 to liveness, once the database is gone', async () => {
      const doomed = await createTestApp({ databaseUrl: app.databaseUrl });
      try {
        await doomed.get(DataSource).destroy();
        const ready = await doomed.http().get('/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
        expect((await doomed.http().get('/health')).status).toBe(200);
      } finally {
        await doomed.close().catch(() => undefined); // its DataSource is already gone
      }
    });
  });

  describe('API documentation', () => {
    it('serves the OpenAPI UI at /docs', async () => {
      const res = await app.http().get('/docs').redirects(1);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toMatch(/swagger-ui/i);
    });

    it('describes the admin API from the DTOs at /docs-json, and nothing else', async () => {
      const res = await app.http().get('/docs-json');
      expect(res.status).toBe(200);
      const paths = Object.keys(res.body.paths);
      expect(paths).toEqual(
        expect.arrayContaining(['/admin/clients', '/admin/clients/{client_id}', '/admin/clients/{client_id}/secret', '/admin/users', '/admin/users/{id}']),
      );
      expect(paths.every((path) => /^\/(admin|health)(\/|$)/.test(path))).toBe(true);
      const create = res.body.components.schemas.CreateClientDto;
      expect(create.required).toEqual(expect.arrayContaining(['client_name', 'scope']));
      expect(Object.keys(create.properties)).toEqual(
        expect.arrayContaining(['client_name', 'redirect_uris', 'grant_types', 'scope', 'token_endpoint_auth_method', 'skip_consent']),
      );
      expect(create.properties.token_endpoint_auth_method.enum).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
      expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    });
  });

  describe('security headers', () => {
    // helmet's defaults, on answers of every kind: a JSON success, an OAuth error, a 404, a page.
    it.each([
      ['discovery', () => app.http().get('/.well-known/oauth-authorization-server')],
      ['a refused token request', () => app.http().post('/token').type('form').send({ grant_type: 'client_credentials' })],
      ['an unknown path', () => app.http().get('/no/such/path')],
      ['the admin API', () => app.http().get('/admin/clients').set(AUTH)],
    ])('are on %s', async (_label, send) => {
      const res = await send();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('errors a client can cause', () => {
    it('answers 400 JSON to a malformed JSON body', async () => {
      const res = await app.http().post('/admin/clients').set(AUTH).set('Content-Type', 'application/json').send('{"client_name": ');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request body is not valid JSON' });
    });

    it('answers 413 JSON to a body over 100 kB, JSON or form', async () => {
      const big = 'x'.repeat(101 * 1024);
      const json = await app.http().post('/admin/clients').set(AUTH).send({ ...webApp, client_name: big });
      expect(json.status).toBe(413);
      expect(json.body).toEqual({ error: 'invalid_request', error_description: 'the request body is larger than 100kb' });
      const form = await app.http().post('/admin/clients').set(AUTH).type('form').send({ client_name: big });
      expect(form.status).toBe(413);
      expect(form.body.error).toBe('invalid_request');
    });

    it('answers 413 JSON to a streamed body (no Content-Length) once it passes 100 kB, after reading the rest', async () => {
      const req = app.http().post('/token').type('form');
      // 26 chunks of 4 kB, sent chunked: the limit is met while the body is still arriving.
      for (let i = 0; i < 26; i++) req.write(`p${i}=${'x'.repeat(4096)}&`);
      const res = await req;
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request body is larger than 100kb' });
    });

    it('answers 4xx JSON to a body in a content type the admin API does not read', async () => {
      const res = await app.http().post('/admin/clients').set(AUTH).set('Content-Type', 'text/plain').send(JSON.stringify(webApp));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.message.join('\n')).toMatch(/client_name/);
    });

    it('answers 415 JSON to an unsupported charset', async () => {
      const res = await app.http().post('/admin/clients').set(AUTH).set('Content-Type', 'application/json; charset=klingon').send('{}');
      expect(res.status).toBe(415);
      expect(res.body.error).toBe('invalid_request');
    });

    it('answers 404 JSON to an unknown path', async () => {
      const res = await app.http().get('/no/such/path');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404 });
    });
  });

  describe('unexpected errors', () => {
    it('answer a generic 500 server_error and log the cause with the request id, never leaking it', async () => {
      const clients = app.get(ClientsService);
      const spy = jest.spyOn(clients, 'list').mockRejectedValueOnce(new Error('connection to db-7 lost'));
      try {
        const res = await app.http().get('/admin/clients').set(AUTH).set('X-Request-Id', `req-unexpected-${name}`);
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ error: 'server_error', error_description: 'the server met an unexpected error' });
        expect(res.text).not.toContain('db-7');
        const logged = logs.lines.find((line) => line.msg === 'unexpected error' && line.reqId === `req-unexpected-${name}`);
        expect(logged).toMatchObject({ level: 50, path: '/admin/clients', err: { message: 'connection to db-7 lost' } });
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('structured logs', () => {
    it('write one JSON line per request with its id, method and path, never its query', async () => {
      const res = await app.http().get('/admin/clients?limit=1&code=query-code-value').set(AUTH).set('X-Request-Id', `req-logged-${name}`);
      expect(res.status).toBe(400); // `code` is not a paging parameter
      const line = logs.lines.find((entry) => (entry.req as { id?: string } | undefined)?.id === `req-logged-${name}`);
      expect(line).toMatchObject({ msg: 'request completed', req: { id: `req-logged-${name}`, method: 'GET', path: '/admin/clients' } });
      expect(logs.raw).not.toContain('query-code-value');
    });

    it('never contain a password, secret, token, cookie or Authorization header', async () => {
      const password = 'log-test password 0123456789';
      const created = await app
        .http()
        .post('/admin/clients')
        .set(AUTH)
        .set('Cookie', 'sid=cookie-value-should-not-appear')
        .send(webApp);
      expect(created.status).toBe(201);
      const user = await app.http().post('/admin/users').set(AUTH).send({ email: 'logs@example.com', password });
      expect(user.status).toBe(201);
      const denied = await app.http().get('/admin/clients').set('Authorization', 'Bearer wrong-key-that-must-not-be-logged');
      expect(denied.status).toBe(401);
      // Application code that logs a whole object by mistake is redacted too.
      const logger = await app.app.resolve(PinoLogger);
      logger.info(
        {
          body: { password, client_secret: created.body.client_secret, refresh_token: 'rt-value', code: 'code-value' },
          headers: { authorization: `Bearer ${ADMIN_KEY}`, cookie: 'sid=cookie-value-2', 'set-cookie': 'sid=cookie-value-3' },
          req: { url: '/cb?code=req-code', headers: { authorization: `Bearer ${ADMIN_KEY}` } },
        },
        `object with secrets on ${name}`,
      );
      const line = logs.lines.find((entry) => entry.msg === `object with secrets on ${name}`);
      expect(line).toMatchObject({
        body: { password: '[redacted]', client_secret: '[redacted]', refresh_token: '[redacted]', code: '[redacted]' },
        headers: { authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]' },
        req: { path: '/cb' },
      });
      for (const secret of [
        password,
        created.body.client_secret,
        ADMIN_KEY,
        'cookie-value',
        'wrong-key-that-must-not-be-logged',
        'rt-value',
        'code-value',
        'req-code',
      ]) {
        expect(logs.raw).not.toContain(secret);
      }
    });
  });
});

describe('the compiled server', () => {
  let scratch: string;
  let tree: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'oauth-build-'));
    tree = await compiledTree(scratch);
  }, 180_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const start = (env: Record<string, string>): ChildProcessWithoutNullStreams =>
    spawn(process.execPath, [join(tree, 'src', 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_PATH: BUILD_NODE_PATH, ...env },
    });
  const finished = (child: ChildProcessWithoutNullStreams) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });

  it.each([
    ['PORT', 'abc', /^Configuration error: PORT: must be an integer port number from 1 to 65535 \(got "abc"\)\n$/],
    ['DATABASE_URL', 'mysql://db/auth', /^Configuration error: DATABASE_URL: must be sqlite:<path>, sqlite::memory: or postgres:/],
    ['ACCESS_TOKEN_TTL', '-5', /^Configuration error: ACCESS_TOKEN_TTL: must be a whole number of seconds/],
    ['ADMIN_API_KEY', 'short', /^Configuration error: ADMIN_API_KEY: must be at least 16 characters/],
  ])('refuses %s=%s with one line on stderr and exit code 1', async (variable, value, message) => {
    const result = await finished(start({ DATABASE_URL: 'sqlite::memory:', [variable]: value }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  /** Starts the compiled server on a free port and waits until it answers. */
  const serve = async (env: Record<string, string> = {}) => {
    const port = await freePort();
    const child = start({ DATABASE_URL: 'sqlite::memory:', PORT: String(port), ADMIN_API_KEY: ADMIN_KEY, ...env });
    const result = finished(child);
    const started = Date.now();
    let answering = false;
    while (!answering && child.exitCode === null && Date.now() - started < 60_000) {
      answering = await fetch(`http://127.0.0.1:${port}/no-such-path`)
        .then((res) => res.status === 404)
        .catch(() => false);
      if (!answering) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(answering).toBe(true);
    const logLines = async () => (await result).stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    return { port, child, result, logLines };
  };

  it('logs JSON lines and warns once when ADMIN_API_KEY is not set', async () => {
    const server = await serve({ ADMIN_API_KEY: '' });
    expect((await fetch(`http://127.0.0.1:${server.port}/admin/clients`, { headers: AUTH })).status).toBe(401);
    server.child.kill('SIGTERM');
    const lines = await server.logLines();
    expect(lines.filter((line) => /ADMIN_API_KEY is not set/.test(String(line.msg)))).toHaveLength(1);
    expect(lines.some((line) => /listening on http:\/\/127\.0\.0\.1:/.test(String(line.msg)))).toBe(true);
  }, 90_000);

  it('on SIGTERM finishes the request in flight, refuses new connections and exits 0', async () => {
    const server = await serve();
    const body = JSON.stringify({ email: 'in-flight@example.com', password: 'correct horse battery staple' });
    const shuttingDown = logLineSeen(server.child, (line) => line.msg === 'shutting down');
    // A request whose body is still arriving when the signal comes. `Expect: 100-continue`
    // makes the server say when it has the request; the signal follows that, and the rest
    // of the body follows the server's "shutting down".
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/admin/users',
          headers: { ...AUTH, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        req.write(body.slice(0, 10));
        server.child.kill('SIGTERM');
        shuttingDown.then(() => req.end(body.slice(10)), reject);
      });
      req.flushHeaders();
    });
    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ email: 'in-flight@example.com' });
    const { code, signal } = await server.result;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    await expect(fetch(`http://127.0.0.1:${server.port}/health`)).rejects.toThrow();
    const lines = await server.logLines();
    expect(lines.some((line) => line.msg === 'shutting down' && line.signal === 'SIGTERM')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(ADMIN_KEY);
    expect(JSON.stringify(lines)).not.toContain('correct horse battery staple');
  }, 90_000);
});
