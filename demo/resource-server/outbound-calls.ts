import { subscribe } from 'node:diagnostics_channel';

/** What this process has sent out so far: the evidence behind "no call for this request". */
export interface OutboundCalls {
  /** HTTP requests made with `fetch` (JWKS, discovery, introspection, the feed), as `METHOD url`. */
  httpRequests: string[];
  /** TCP and socket connections opened by anything in the process, a database driver included. */
  connectionsOpened: number;
}

/**
 * Counts from Node's own diagnostics channels, so nothing in the resource-server module has
 * to cooperate: undici (`fetch`) announces every request, `net` every client socket.
 */
export function countOutboundCalls(): () => OutboundCalls {
  const httpRequests: string[] = [];
  let connectionsOpened = 0;
  subscribe('undici:request:create', (message) => {
    const { request } = message as { request: { method: string; origin: string; path: string } };
    httpRequests.push(`${request.method} ${request.origin}${request.path}`);
  });
  subscribe('net.client.socket', () => {
    connectionsOpened++;
  });
  return () => ({ httpRequests: [...httpRequests], connectionsOpened });
}
