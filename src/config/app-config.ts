import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Environment } from './environment';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

export type DatabaseConfig =
  | { type: 'sqlite'; path: string } // path ':memory:' for an in-memory database
  | { type: 'postgres'; url: string; schema?: string };

/** The validated, typed configuration. Nothing else in the project reads `process.env`. */
export abstract class AppConfig {
  abstract readonly port: number;
  abstract readonly host: string;
  abstract readonly issuer: string;
  abstract readonly database: DatabaseConfig;
  /** Undefined closes the admin API to bootstrap-key callers. */
  abstract readonly adminApiKey?: string;
  abstract readonly accessTokenTtlSeconds: number;
  abstract readonly accessTokenAudience: string;
  abstract readonly refreshTokenIdleTtlSeconds: number;
  abstract readonly refreshTokenAbsoluteTtlSeconds: number;
  abstract readonly refreshReuseGraceSeconds: number;
  abstract readonly signingAlg: 'ES256' | 'EdDSA' | 'RS256';
  abstract readonly keyEncryptionKey?: Buffer;
  abstract readonly sessionTtlSeconds: number;
  abstract readonly clientSecretRotationOverlapSeconds: number;
  abstract readonly clockSkewSeconds: number;
  abstract readonly logLevel: string;
  abstract readonly loginThrottleWindowSeconds: number;
  abstract readonly loginMaxFailuresPerAccount: number;
  abstract readonly loginMaxFailuresPerIp: number;
  abstract readonly loginMaxFailuresPerAccountAndIp: number;
  /** Express's `trust proxy`: false, a hop count, or the addresses whose X-Forwarded-For is believed. */
  abstract readonly trustProxy: TrustProxy;
  abstract readonly authThrottleWindowSeconds: number;
  abstract readonly clientAuthMaxFailuresPerIp: number;
  abstract readonly clientAuthMaxFailuresPerClient: number;
  abstract readonly adminAuthMaxFailuresPerIp: number;
  abstract readonly httpHeadersTimeoutSeconds: number;
  abstract readonly httpRequestTimeoutSeconds: number;
  /** Undefined serves `/metrics` without a token. */
  abstract readonly metricsToken?: string;
  abstract readonly auditRetentionDays: number;
  abstract readonly clientIdMetadata: ClientIdMetadataConfig;
  abstract readonly dynamicRegistration: 'off' | 'open' | 'token';
}

/** Client ID Metadata Documents: whether they are used, from which hosts, and the test-only loopback switch. */
export interface ClientIdMetadataConfig {
  enabled: boolean;
  /** Empty: any host whose addresses are public. */
  allowedHosts: string[];
  /** Hosts (`host` or `host:port`, lower case) never fetched from, whatever the allow-list says. */
  deniedHosts: string[];
  allowHttpLoopback: boolean;
}

function hostList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((host) => host.trim().toLowerCase()).filter(Boolean);
}

/** A configuration problem an operator can fix; `main.ts` prints its message alone. */
export class ConfigError extends Error {}

/** Variables whose value an error message never repeats. */
const SECRET_VARIABLES = new Set(['ADMIN_API_KEY', 'KEY_ENCRYPTION_KEY', 'METRICS_TOKEN']);

/** How an error message quotes a bad value: never a secret, never a database password. */
function quoted(variable: string, value: string | undefined): string {
  if (SECRET_VARIABLES.has(variable)) return 'value not shown: it is a secret';
  // Credentials before the last `@` are masked, whether or not the URL parses.
  if (variable === 'DATABASE_URL') return `got "${String(value).replace(/^([a-z][\w+.-]*:(?:\/\/)?)?.*@/i, '$1***@')}"`;
  return `got "${String(value)}"`;
}

/** Reads and validates the environment once; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const [problem] = validateSync(parsed, { forbidUnknownValues: false });
  if (problem) {
    const reason = Object.values(problem.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigError(`${problem.property}: ${reason} (${quoted(problem.property, env[problem.property])})`);
  }
  if (parsed.NODE_ENV === 'production' && !parsed.KEY_ENCRYPTION_KEY) {
    throw new ConfigError(
      'KEY_ENCRYPTION_KEY: is required when NODE_ENV=production: 32 random bytes in base64url (43 characters) that encrypt the signing keys at rest',
    );
  }
  return toAppConfig(parsed);
}

function toAppConfig(env: Environment): AppConfig {
  const issuer = (env.ISSUER ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return {
    port: env.PORT,
    host: env.HOST,
    issuer,
    database: parseDatabaseUrl(env.DATABASE_URL),
    adminApiKey: env.ADMIN_API_KEY,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL,
    accessTokenAudience: env.ACCESS_TOKEN_AUDIENCE ?? `${issuer}/api`,
    refreshTokenIdleTtlSeconds: env.REFRESH_TOKEN_IDLE_TTL,
    refreshTokenAbsoluteTtlSeconds: env.REFRESH_TOKEN_ABSOLUTE_TTL,
    refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE,
    signingAlg: env.SIGNING_ALG,
    keyEncryptionKey: env.KEY_ENCRYPTION_KEY ? Buffer.from(env.KEY_ENCRYPTION_KEY, 'base64url') : undefined,
    sessionTtlSeconds: env.SESSION_TTL,
    clientSecretRotationOverlapSeconds: env.CLIENT_SECRET_ROTATION_OVERLAP,
    clockSkewSeconds: env.CLOCK_SKEW,
    logLevel: env.LOG_LEVEL,
    loginThrottleWindowSeconds: env.LOGIN_THROTTLE_WINDOW,
    loginMaxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginMaxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
    loginMaxFailuresPerAccountAndIp: env.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP,
    trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false, // validated above
    authThrottleWindowSeconds: env.AUTH_THROTTLE_WINDOW,
    clientAuthMaxFailuresPerIp: env.CLIENT_AUTH_MAX_FAILURES_PER_IP,
    clientAuthMaxFailuresPerClient: env.CLIENT_AUTH_MAX_FAILURES_PER_CLIENT,
    adminAuthMaxFailuresPerIp: env.ADMIN_AUTH_MAX_FAILURES_PER_IP,
    httpHeadersTimeoutSeconds: env.HTTP_HEADERS_TIMEOUT,
    httpRequestTimeoutSeconds: env.HTTP_REQUEST_TIMEOUT,
    metricsToken: env.METRICS_TOKEN,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    clientIdMetadata: {
      enabled: env.CLIENT_ID_METADATA_DOCUMENTS === 'on',
      allowedHosts: hostList(env.CLIENT_ID_METADATA_HOSTS),
      deniedHosts: hostList(env.CLIENT_ID_METADATA_DENY_HOSTS),
      allowHttpLoopback: env.CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK === 'true',
    },
    dynamicRegistration: env.DYNAMIC_REGISTRATION,
  };
}

/**
 * `sqlite:<path>`, `sqlite::memory:`, or a PostgreSQL URL. A `schema` query parameter on a
 * PostgreSQL URL selects the schema (the tests give each app its own).
 */
export function parseDatabaseUrl(databaseUrl: string): DatabaseConfig {
  if (databaseUrl.startsWith('sqlite:')) {
    return { type: 'sqlite', path: databaseUrl.slice('sqlite:'.length) };
  }
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    // URL's own error carries the input, password included: say what is wrong without it.
    throw new ConfigError(`DATABASE_URL: is not a valid PostgreSQL URL, e.g. postgres://user:password@host:5432/database (${quoted('DATABASE_URL', databaseUrl)})`);
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { type: 'postgres', url: url.toString(), schema };
}
