import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, Validate } from 'class-validator';
import { TrustProxySetting } from './trust-proxy';

/**
 * Every environment variable the server reads, with its default beside it.
 * The documented contract variables first; the rest are this project's own knobs.
 * Messages are written for an operator: they say what the variable accepts.
 */
export class Environment {
  @Type(() => Number)
  @IsInt({ message: 'must be an integer port number from 1 to 65535' })
  @Min(1, { message: 'must be an integer port number from 1 to 65535' })
  @Max(65535, { message: 'must be an integer port number from 1 to 65535' })
  PORT = 3000;

  @IsString()
  @MinLength(1, { message: 'must be a host name or IP address to bind to' })
  HOST = '127.0.0.1';

  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]+$/, {
    message: 'must be an http(s) URL without query or fragment, e.g. https://auth.example.com',
  })
  ISSUER?: string;

  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'must be sqlite:<path>, sqlite::memory: or postgres://user@host:port/database',
  })
  DATABASE_URL = 'sqlite:./data/auth.sqlite';

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters; leave it unset to close the admin API' })
  ADMIN_API_KEY?: string;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 86400' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 86400' })
  @Max(86400, { message: 'must be a whole number of seconds from 1 to 86400' })
  ACCESS_TOKEN_TTL = 600;

  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'must be the resource API identifier, e.g. https://auth.example.com/api' })
  ACCESS_TOKEN_AUDIENCE?: string;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds, at least 1' })
  @Min(1, { message: 'must be a whole number of seconds, at least 1' })
  REFRESH_TOKEN_IDLE_TTL = 1_209_600;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds, at least 1' })
  @Min(1, { message: 'must be a whole number of seconds, at least 1' })
  REFRESH_TOKEN_ABSOLUTE_TTL = 7_776_000;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds from 0 (strict) to 300' })
  @Min(0, { message: 'must be a whole number of seconds from 0 (strict) to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 0 (strict) to 300' })
  REFRESH_REUSE_GRACE = 0;

  // ---- project extensions -------------------------------------------------

  @IsIn(['ES256', 'EdDSA', 'RS256'], { message: 'must be ES256, EdDSA or RS256' })
  SIGNING_ALG: 'ES256' | 'EdDSA' | 'RS256' = 'ES256';

  /** Encrypts private signing keys at rest (AES-256-GCM) when set. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'must be 32 random bytes in base64url (43 characters)' })
  KEY_ENCRYPTION_KEY?: string;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds, at least 60' })
  @Min(60, { message: 'must be a whole number of seconds, at least 60' })
  SESSION_TTL = 86_400;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds from 0 to 2592000' })
  @Min(0, { message: 'must be a whole number of seconds from 0 to 2592000' })
  @Max(2_592_000, { message: 'must be a whole number of seconds from 0 to 2592000' })
  CLIENT_SECRET_ROTATION_OVERLAP = 0;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds from 0 to 300' })
  @Min(0, { message: 'must be a whole number of seconds from 0 to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 0 to 300' })
  CLOCK_SKEW = 5;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';

  /** Sign-in throttling: the window failed attempts are counted over. */
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 86400' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 86400' })
  @Max(86400, { message: 'must be a whole number of seconds from 1 to 86400' })
  LOGIN_THROTTLE_WINDOW = 900;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 100;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP = 5;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  LOGIN_MAX_FAILURES_PER_IP = 50;

  /** `off`, a number of proxy hops, or addresses/CIDRs (and loopback, linklocal, uniquelocal) whose X-Forwarded-For is believed. */
  @Validate(TrustProxySetting)
  TRUST_PROXY = 'off';

  /** Failed client authentications and admin keys: the window they are counted over. */
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 86400' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 86400' })
  @Max(86400, { message: 'must be a whole number of seconds from 1 to 86400' })
  AUTH_THROTTLE_WINDOW = 300;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  CLIENT_AUTH_MAX_FAILURES_PER_IP = 20;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  CLIENT_AUTH_MAX_FAILURES_PER_CLIENT = 20;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number, at least 1' })
  @Min(1, { message: 'must be a whole number, at least 1' })
  ADMIN_AUTH_MAX_FAILURES_PER_IP = 10;

  /** Slow or short requests: how long the headers, and the whole request, may take to arrive. */
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 300' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 1 to 300' })
  HTTP_HEADERS_TIMEOUT = 10;

  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds from 1 to 300' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 300' })
  @Max(300, { message: 'must be a whole number of seconds from 1 to 300' })
  HTTP_REQUEST_TIMEOUT = 30;
  /** `production` refuses to start without KEY_ENCRYPTION_KEY. */
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /** Bearer token `GET /metrics` asks for; unset serves the metrics to anyone who reaches them. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters; leave it unset to serve /metrics without a token' })
  METRICS_TOKEN?: string;

  /** Days the audit trail (security events, admin actions) is kept. */
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of days from 1 to 3650' })
  @Min(1, { message: 'must be a whole number of days from 1 to 3650' })
  @Max(3650, { message: 'must be a whole number of days from 1 to 3650' })
  AUDIT_RETENTION_DAYS = 90;

  /** OAuth Client ID Metadata Documents: a `client_id` that is an https URL is fetched and used. */
  @IsIn(['on', 'off'], { message: 'must be on or off' })
  CLIENT_ID_METADATA_DOCUMENTS: 'on' | 'off' = 'on';

  /** Comma-separated host names whose metadata documents are accepted; empty: any public host. */
  @IsOptional()
  @Matches(/^[a-z0-9.-]+(:\d+)?(\s*,\s*[a-z0-9.-]+(:\d+)?)*$/i, { message: 'must be host names separated by commas, e.g. claude.ai,app.example.com' })
  CLIENT_ID_METADATA_HOSTS?: string;

  /** Comma-separated hosts (or host:port) whose metadata documents are never fetched; wins over the allow-list. */
  @IsOptional()
  @Matches(/^[a-z0-9.-]+(:\d+)?(\s*,\s*[a-z0-9.-]+(:\d+)?)*$/i, { message: 'must be host names, or host:port, separated by commas, e.g. evil.example,agent.example:8443' })
  CLIENT_ID_METADATA_DENY_HOSTS?: string;

  /** Development and tests only: fetch metadata documents over plain http from loopback addresses. */
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  CLIENT_ID_METADATA_ALLOW_HTTP_LOOPBACK: 'true' | 'false' = 'false';

  /** RFC 7591 dynamic registration: off, open to anyone, or only with an initial access token. */
  @IsIn(['off', 'open', 'token'], { message: 'must be off, open or token' })
  DYNAMIC_REGISTRATION: 'off' | 'open' | 'token' = 'off';
}
