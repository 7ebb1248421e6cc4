import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { createRemoteJWKSet, JWTVerifyGetKey } from 'jose';
import { RESOURCE_SERVER_OPTIONS, ResourceServerOptions } from './resource-server.options';

interface Endpoints {
  jwksUri: string;
  introspectionEndpoint: string;
  revocationFeedEndpoint: string;
}

/** How long a fetched JWKS is trusted before it is refetched; an unknown kid refetches sooner. */
const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
/** An unknown kid refetches the JWKS at most this often, so forged kids cannot hammer the server. */
const JWKS_COOLDOWN_MS = 1_000;
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * The remote authorization server as this resource server sees it: its endpoints (from RFC
 * 8414 metadata unless configured), its keys (jose's remote JWKS, cached), and RFC 7662
 * introspection with this resource server's client credentials.
 */
@Injectable()
export class AuthorizationServerClient {
  readonly authorization: string;
  private endpointsPromise?: Promise<Endpoints>;
  private keySet?: JWTVerifyGetKey;

  constructor(@Inject(RESOURCE_SERVER_OPTIONS) private readonly options: ResourceServerOptions) {
    // RFC 6749 §2.3.1: form-encode, then Basic.
    const form = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    this.authorization = `Basic ${Buffer.from(`${form(options.clientId)}:${form(options.clientSecret)}`).toString('base64')}`;
  }

  /** The endpoints; discovery is retried on the next call after a failure. */
  endpoints(): Promise<Endpoints> {
    this.endpointsPromise ??= this.discover().catch((error: unknown) => {
      this.endpointsPromise = undefined;
      throw error;
    });
    return this.endpointsPromise;
  }

  /** The key resolver for `jwtVerify`, fetching and caching the server's JWKS. */
  async keys(): Promise<JWTVerifyGetKey> {
    this.keySet ??= createRemoteJWKSet(new URL((await this.endpoints()).jwksUri), {
      cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
      cooldownDuration: JWKS_COOLDOWN_MS,
      timeoutDuration: REQUEST_TIMEOUT_MS,
    });
    return this.keySet;
  }

  /** RFC 7662: whether the server still considers the token active. 503 when it cannot say. */
  async isActive(token: string): Promise<boolean> {
    try {
      const response = await fetch((await this.endpoints()).introspectionEndpoint, {
        method: 'POST',
        headers: { Authorization: this.authorization, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`introspection answered ${response.status}`);
      const body = (await response.json()) as { active?: unknown };
      return body.active === true;
    } catch (error) {
      throw new ServiceUnavailableException('the authorization server cannot confirm the token now', { cause: error });
    }
  }

  private async discover(): Promise<Endpoints> {
    const { jwksUri, introspectionEndpoint, revocationFeedEndpoint } = this.options;
    if (jwksUri && introspectionEndpoint && revocationFeedEndpoint) return { jwksUri, introspectionEndpoint, revocationFeedEndpoint };
    const response = await fetch(`${this.options.issuer}/.well-known/oauth-authorization-server`, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`authorization server metadata answered ${response.status}`);
    const metadata = (await response.json()) as Record<string, unknown>;
    // RFC 8414 §3.3: the document must name the issuer it was fetched for.
    if (metadata.issuer !== this.options.issuer) throw new Error(`metadata issuer ${String(metadata.issuer)} is not ${this.options.issuer}`);
    const field = (name: string) => {
      if (typeof metadata[name] !== 'string') throw new Error(`authorization server metadata has no ${name}`);
      return metadata[name];
    };
    return {
      jwksUri: jwksUri ?? field('jwks_uri'),
      introspectionEndpoint: introspectionEndpoint ?? field('introspection_endpoint'),
      revocationFeedEndpoint: revocationFeedEndpoint ?? field('revocation_feed_endpoint'),
    };
  }
}
