/** How a resource server trusts this authorization server. */
export interface ResourceServerOptions {
  /** The authorization server's issuer: tokens must carry it as `iss`; metadata is found below it. */
  issuer: string;
  /** This API's identifier: tokens must carry it in `aud`. */
  audience: string;
  /** The resource server's own client registration, for the revocation feed and introspection. */
  clientId: string;
  clientSecret: string;
  /** Taken from `<issuer>/.well-known/oauth-authorization-server` when not given. */
  jwksUri?: string;
  introspectionEndpoint?: string;
  revocationFeedEndpoint?: string;
  /** The feed counts as cut off after this long without a byte (the server sends a comment every 2 s). Default 10000. */
  heartbeatTimeoutMs?: number;
  /** While the feed is cut off: ask the introspection endpoint per request (default), or refuse with 503. */
  onFeedLoss?: 'introspect' | 'refuse';
  /** Allowed clock difference for `exp`/`nbf`, in seconds. Default 5. */
  clockSkewSeconds?: number;
  /** Reconnection backoff: first delay and cap, in milliseconds. Defaults 250 and 30000. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export const RESOURCE_SERVER_OPTIONS = Symbol('RESOURCE_SERVER_OPTIONS');
