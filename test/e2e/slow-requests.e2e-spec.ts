import { connect, Socket } from 'node:net';
import { createTestApp, TestApp } from '../support/test-app';

/** What the server wrote before it closed the connection. */
async function answerBeforeClose(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => {
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
  return Buffer.concat(chunks).toString('latin1');
}

/**
 * A request that never finishes arriving is cut off by the server (transport only: the
 * database plays no part, so this runs on sqlite alone). The test timeout is the bound: with
 * Node's defaults these sockets would stay open for five minutes.
 */
describe('slow and short requests', () => {
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    app = await createTestApp({ listen: true, env: { HTTP_HEADERS_TIMEOUT: '1', HTTP_REQUEST_TIMEOUT: '2' } });
    port = Number(new URL(app.baseUrl!).port);
  });
  afterAll(() => app.close());

  const open = async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    return socket;
  };

  it('answers 408 and closes a request whose body is shorter than its Content-Length', async () => {
    const socket = await open();
    const closed = answerBeforeClose(socket);
    socket.write(
      'POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
        'Content-Length: 1000\r\n\r\ngrant_type=client_credentials',
    );
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
  }, 15_000);

  it('answers 408 and closes a request whose headers never end', async () => {
    const socket = await open();
    const closed = answerBeforeClose(socket);
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
  }, 15_000);

  it('cuts off a body dripped a byte at a time, within the request timeout', async () => {
    const socket = await open();
    const closed = answerBeforeClose(socket);
    socket.write('POST /api/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
    const drip = setInterval(() => socket.writable && socket.write('"'), 200);
    try {
      expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
    }
  }, 15_000);

  it('answers 431 with Connection: close to headers over the limit, after an earlier answer on the same connection', async () => {
    const socket = await open();
    const closed = answerBeforeClose(socket);
    socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    socket.write(`GET /health/live?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const answers = await closed;
    expect(answers).toMatch(/^HTTP\/1\.1 200 /);
    // A keep-alive client must learn that this connection is over, or it sends its next request on it.
    expect(answers).toMatch(/HTTP\/1\.1 431 Request Header Fields Too Large\r\n(.+\r\n)*Connection: close\r\n/);
  }, 15_000);

  it('still serves a request that arrives whole', async () => {
    const res = await fetch(`${app.baseUrl}/health`);
    expect(res.status).toBe(200);
  });
});
