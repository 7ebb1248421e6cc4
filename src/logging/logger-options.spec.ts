import pinoHttp, { Options as PinoHttpOptions } from 'pino-http';
import { Writable } from 'node:stream';
import type { AppConfig } from '../config/app-config';
import { loggerOptions, redactSecrets } from './logger-options';

/** The server's logger, built from its real options, writing to a string. */
function realLogger(): { log: ReturnType<typeof pinoHttp>['logger']; output: () => string } {
  let output = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  const options = loggerOptions({ logLevel: 'info' } as AppConfig).pinoHttp as PinoHttpOptions;
  return { log: pinoHttp(options, stream).logger, output: () => output };
}

describe('log redaction', () => {
  it('blanks a secret at the top level and three levels down, through the real logger', () => {
    const { log, output } = realLogger();
    log.warn(
      {
        password: 'top-level-password-value',
        outer: { middle: { inner: { client_secret: 'deep-client-secret-value', Authorization: 'Bearer deep-header-value', kept: 'visible' } } },
        list: [{ nested: { refresh_token: 'array-refresh-token-value' } }],
      },
      'secrets at depth',
    );
    const line = JSON.parse(output());
    expect(line).toMatchObject({
      msg: 'secrets at depth',
      password: '[redacted]',
      outer: { middle: { inner: { client_secret: '[redacted]', Authorization: '[redacted]', kept: 'visible' } } },
      list: [{ nested: { refresh_token: '[redacted]' } }],
    });
    for (const secret of ['top-level-password-value', 'deep-client-secret-value', 'deep-header-value', 'array-refresh-token-value']) {
      expect(output()).not.toContain(secret);
    }
  });

  it('leaves objects without secrets untouched, and survives cycles', () => {
    const plain = { a: { b: [1, { c: 'd' }] } };
    expect(redactSecrets(plain)).toBe(plain);
    const cyclic: Record<string, unknown> = { token: 'cyclic-token-value' };
    cyclic.self = cyclic;
    const redacted = redactSecrets(cyclic) as Record<string, unknown>;
    expect(redacted.token).toBe('[redacted]');
    expect(cyclic.token).toBe('cyclic-token-value'); // the caller's object is not changed
  });
});
