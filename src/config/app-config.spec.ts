import 'reflect-metadata';
import { ConfigError, loadConfig, parseDatabaseUrl } from './app-config';
import { Environment } from './environment';

/** One bad value per variable, and the words its message must use to say what it takes. */
const BAD_VALUES: Array<[variable: string, value: string, says: RegExp]> = [
  ['PORT', 'abc', /integer port number from 1 to 65535/],
  ['PORT', '0', /integer port number from 1 to 65535/],
  ['PORT', '65536', /integer port number from 1 to 65535/],
  ['PORT', '80.5', /integer port number/],
  ['ISSUER', 'auth.example.com', /http\(s\) URL/],
  ['ISSUER', 'https://auth.example.com/?tenant=a', /without query or fragment/],
  ['DATABASE_URL', 'mysql://db/auth', /sqlite:<path>, sqlite::memory: or postgres:/],
  ['DATABASE_URL', 'sqlite:', /sqlite:<path>/],
  ['ADMIN_API_KEY', 'too-short', /at least 16 characters/],
  ['ACCESS_TOKEN_TTL', '-5', /whole number of seconds from 1 to 86400/],
  ['ACCESS_TOKEN_TTL', '86401', /whole number of seconds from 1 to 86400/],
  ['ACCESS_TOKEN_TTL', 'ten', /whole number of seconds/],
  ['REFRESH_TOKEN_IDLE_TTL', '0', /whole number of seconds, at least 1/],
  ['REFRESH_TOKEN_ABSOLUTE_TTL', '-1', /whole number of seconds, at least 1/],
  ['REFRESH_REUSE_GRACE', '-1', /from 0 \(strict\) to 300/],
  ['REFRESH_REUSE_GRACE', '301', /from 0 \(strict\) to 300/],
  ['SIGNING_ALG', 'HS256', /ES256, EdDSA or RS256/],
  ['KEY_ENCRYPTION_KEY', 'c2hvcnQ', /32 random bytes in base64url/],
  ['SESSION_TTL', '59', /at least 60/],
  ['CLIENT_SECRET_ROTATION_OVERLAP', '2592001', /from 0 to 2592000/],
  ['CLOCK_SKEW', '301', /from 0 to 300/],
  ['LOG_LEVEL', 'verbose', /fatal, error, warn, info, debug, trace, silent/],
  ['LOGIN_THROTTLE_WINDOW', '0', /from 1 to 86400/],
  ['LOGIN_MAX_FAILURES_PER_ACCOUNT', '0', /at least 1/],
  ['LOGIN_MAX_FAILURES_PER_IP', 'many', /whole number/],
  ['LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP', '0', /at least 1/],
  ['TRUST_PROXY', 'yes', /off, a number of proxy hops/],
  ['TRUST_PROXY', '10.0.0.0/33', /addresses or CIDRs/],
  ['TRUST_PROXY', '33', /0 to 32/],
  ['AUTH_THROTTLE_WINDOW', '0', /from 1 to 86400/],
  ['CLIENT_AUTH_MAX_FAILURES_PER_IP', '0', /at least 1/],
  ['CLIENT_AUTH_MAX_FAILURES_PER_CLIENT', 'x', /whole number/],
  ['ADMIN_AUTH_MAX_FAILURES_PER_IP', '-1', /at least 1/],
  ['HTTP_HEADERS_TIMEOUT', '0', /from 1 to 300/],
  ['HTTP_REQUEST_TIMEOUT', '301', /from 1 to 300/],
  ['METRICS_TOKEN', 'short-token', /at least 16 characters/],
  ['AUDIT_RETENTION_DAYS', '0', /whole number of days from 1 to 3650/],
  ['CLIENT_ID_METADATA_DOCUMENTS', 'yes', /on or off/],
  ['CLIENT_ID_METADATA_HOSTS', 'https://claude.ai/', /host names separated by commas/],
  ['CLIENT_ID_METADATA_DENY_HOSTS', 'http://evil.example', /host:port, separated by commas/],
  ['CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK', '1', /true or false/],
  ['DYNAMIC_REGISTRATION', 'yes', /off, open or token/],
];

/** Their values never appear in an error message. */
const SECRETS = new Set(['ADMIN_API_KEY', 'KEY_ENCRYPTION_KEY', 'METRICS_TOKEN']);

function problemWith(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('applies the contract defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      issuer: 'http://localhost:3000',
      database: { type: 'sqlite', path: './data/auth.sqlite' },
      adminApiKey: undefined,
      accessTokenTtlSeconds: 600,
      accessTokenAudience: 'http://localhost:3000/api',
      refreshTokenIdleTtlSeconds: 1_209_600,
      refreshTokenAbsoluteTtlSeconds: 7_776_000,
      refreshReuseGraceSeconds: 0,
      signingAlg: 'ES256',
      keyEncryptionKey: undefined,
      sessionTtlSeconds: 86_400,
      clientSecretRotationOverlapSeconds: 0,
      clockSkewSeconds: 5,
      logLevel: 'info',
    });
  });

  it('reads every variable into typed fields', () => {
    const key = Buffer.alloc(32, 7);
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      ISSUER: 'https://auth.example.com/',
      DATABASE_URL: 'postgres://app@db:5432/auth',
      ADMIN_API_KEY: 'a-long-enough-admin-key',
      ACCESS_TOKEN_TTL: '300',
      ACCESS_TOKEN_AUDIENCE: 'https://api.example.com',
      REFRESH_TOKEN_IDLE_TTL: '3600',
      REFRESH_TOKEN_ABSOLUTE_TTL: '86400',
      REFRESH_REUSE_GRACE: '10',
      SIGNING_ALG: 'EdDSA',
      KEY_ENCRYPTION_KEY: key.toString('base64url'),
      CLIENT_SECRET_ROTATION_OVERLAP: '600',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      issuer: 'https://auth.example.com', // the trailing slash is dropped, so iss compares exactly
      database: { type: 'postgres', url: 'postgres://app@db:5432/auth' },
      adminApiKey: 'a-long-enough-admin-key',
      accessTokenTtlSeconds: 300,
      accessTokenAudience: 'https://api.example.com',
      refreshTokenIdleTtlSeconds: 3600,
      refreshTokenAbsoluteTtlSeconds: 86400,
      refreshReuseGraceSeconds: 10,
      signingAlg: 'EdDSA',
      clientSecretRotationOverlapSeconds: 600,
      logLevel: 'warn',
    });
    expect(config.keyEncryptionKey?.equals(key)).toBe(true);
  });

  it('derives the default issuer and audience from PORT and ISSUER', () => {
    expect(loadConfig({ PORT: '4000' })).toMatchObject({ issuer: 'http://localhost:4000', accessTokenAudience: 'http://localhost:4000/api' });
    expect(loadConfig({ ISSUER: 'https://id.example.com' }).accessTokenAudience).toBe('https://id.example.com/api');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', ADMIN_API_KEY: '' })).toMatchObject({ port: 3000, adminApiKey: undefined });
  });

  it.each(BAD_VALUES)('refuses %s=%s with a message naming the variable and what it takes', (variable, value, says) => {
    const error = problemWith({ [variable]: value });
    expect(error.message).toMatch(new RegExp(`^${variable}: `));
    expect(error.message).toMatch(says);
    if (SECRETS.has(variable)) {
      expect(error.message).not.toContain(value);
      expect(error.message).toContain('(value not shown: it is a secret)');
    } else {
      expect(error.message).toContain(`(got "${value}")`);
    }
    expect(error.message).not.toContain('\n');
  });

  it('has a bad-value case for every variable that can have a bad value', () => {
    const anyTextGoes = ['HOST', 'ACCESS_TOKEN_AUDIENCE', 'NODE_ENV']; // any non-empty text; empty means the default
    const tested = new Set(BAD_VALUES.map(([variable]) => variable));
    const untested = Object.keys(new Environment()).filter((name) => !tested.has(name) && !anyTextGoes.includes(name));
    expect(Object.keys(new Environment())).toEqual(expect.arrayContaining(['ISSUER', 'ADMIN_API_KEY', 'KEY_ENCRYPTION_KEY']));
    expect(untested).toEqual([]);
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    ['off', false],
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['loopback, 10.0.0.1 ,fd00::/8', ['loopback', '10.0.0.1', 'fd00::/8']],
  ] as const)('maps %s onto trust proxy %p', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('is off by default', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
  });
});

describe('secrets in configuration errors', () => {
  it('masks the password of a DATABASE_URL it refuses', () => {
    const error = problemWith({ DATABASE_URL: 'mysql://app:hunter2-db-password@db/auth' });
    expect(error.message).toMatch(/^DATABASE_URL: must be sqlite:<path>/);
    expect(error.message).toContain('(got "mysql://***@db/auth")');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses an unparsable PostgreSQL URL with one line that does not print it', () => {
    const error = problemWith({ DATABASE_URL: 'postgres://app:hunter2-db-password@db:port/auth' });
    expect(error.message).toMatch(/^DATABASE_URL: is not a valid PostgreSQL URL/);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('\n');
  });

  it('refuses to start in production without KEY_ENCRYPTION_KEY, and starts with it', () => {
    const error = problemWith({ NODE_ENV: 'production' });
    expect(error.message).toMatch(/^KEY_ENCRYPTION_KEY: is required when NODE_ENV=production/);
    const key = Buffer.alloc(32, 3).toString('base64url');
    expect(loadConfig({ NODE_ENV: 'production', KEY_ENCRYPTION_KEY: key }).keyEncryptionKey?.length).toBe(32);
  });
});

describe('parseDatabaseUrl', () => {
  it('reads sqlite paths, the in-memory database, and PostgreSQL URLs with a schema', () => {
    expect(parseDatabaseUrl('sqlite:./data/auth.sqlite')).toEqual({ type: 'sqlite', path: './data/auth.sqlite' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ type: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('postgres://u@h:5432/db?schema=tenant_a&sslmode=require')).toEqual({
      type: 'postgres',
      url: 'postgres://u@h:5432/db?sslmode=require',
      schema: 'tenant_a',
    });
  });
});
