import type { ModuleMetadata } from '@nestjs/common';

/** How a resource server trusts the authorization server, and how it presents itself. */
export interface ResourceServerOptions {
  /** The authorization server's issuer: tokens must carry it as `iss`; metadata is found below it. */
  issuer: string;
  /** This API's identifier (its registered resource): tokens must carry it in `aud`. */
  audience: string;
  /** The resource server's own client registration, for the revocation feed and introspection. */
  clientId: string;
  clientSecret: string;
  /** Accepted signature algorithms. Default ES256, EdDSA, RS256 (asymmetric only). */
  algorithms?: string[];
  /** While the feed is cut off: ask the introspection endpoint per request (default), or refuse with 503. */
  onFeedLoss?: 'introspect' | 'refuse';
  /** RFC 9728 `scopes_supported`. Default: every scope named by a `@RequireScopes` in the host. */
  scopesSupported?: string[];
  /** RFC 9728 `resource_name`, shown to people. */
  resourceName?: string;
  /** Serve RFC 9728 metadata at `/.well-known/oauth-protected-resource[/<audience path>]`. Default true. */
  serveMetadata?: boolean;
  /** The challenge's `realm`. Default `api`. */
  realm?: string;
  /** The request property that receives the claims. Default `user`. */
  requestProperty?: string;
  /** Taken from `<issuer>/.well-known/oauth-authorization-server` when not given. */
  jwksUri?: string;
  introspectionEndpoint?: string;
  revocationFeedEndpoint?: string;
  /** The feed counts as cut off after this long without a byte (the server sends a comment every 2 s). Default 10000. */
  heartbeatTimeoutMs?: number;
  /** Allowed clock difference for `exp`/`nbf`, in seconds. Default 5. */
  clockSkewSeconds?: number;
  /** Reconnection backoff: first delay and cap, in milliseconds. Defaults 250 and 30000. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/** `forRootAsync`: options from the host's own configuration. */
export interface ResourceServerAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => ResourceServerOptions | Promise<ResourceServerOptions>;
  /** Make the guard available to every module of the host. Off by default: import the module where you use it. */
  isGlobal?: boolean;
}

export const RESOURCE_SERVER_OPTIONS = Symbol('RESOURCE_SERVER_OPTIONS');

/** The options with the issuer's trailing slashes removed, as tokens and metadata spell it. */
export function normalizeOptions(options: ResourceServerOptions): ResourceServerOptions {
  if (!options.issuer || !options.audience) throw new Error('ResourceServerModule needs an issuer and an audience');
  return { ...options, issuer: options.issuer.replace(/\/+$/, '') };
}
