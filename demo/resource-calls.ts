import type { Answer, RecordingHttp } from './http';
import type { DemoWorld } from './story';

/** What the resource server process sent out, as its status endpoint reports it. */
export interface OutboundCalls {
  httpRequests: string[];
  connectionsOpened: number;
}

/** The resource server's outbound record now; read quietly (it is not part of the story). */
export async function outboundCalls(http: RecordingHttp, world: DemoWorld): Promise<OutboundCalls> {
  const answer = await http.send('GET', `${world.resource.baseUrl}/demo/status`, { quiet: true });
  return answer.body.outbound as OutboundCalls;
}

/** What was sent out between two readings. */
export function callsBetween(before: OutboundCalls, after: OutboundCalls): OutboundCalls {
  return { httpRequests: after.httpRequests.slice(before.httpRequests.length), connectionsOpened: after.connectionsOpened - before.connectionsOpened };
}

export function describeCalls(calls: OutboundCalls): string {
  const requests = calls.httpRequests.length === 0 ? '0 HTTP requests' : `${calls.httpRequests.length} HTTP request(s): ${calls.httpRequests.join(', ')}`;
  return `${requests}, ${calls.connectionsOpened} connection(s) opened`;
}

/** `GET /notes` on the resource server with `token` as the bearer token. */
export function callResource(http: RecordingHttp, world: DemoWorld, token: string, quiet = false): Promise<Answer> {
  return http.send('GET', `${world.resource.baseUrl}/notes`, { headers: { Authorization: `Bearer ${token}` }, quiet });
}

export interface Refusal {
  answer: Answer;
  /** How many calls it took. */
  attempts: number;
}

/**
 * Calls the resource server with `token` until it refuses it (or `timeoutMs` passes): the
 * first refusal, recorded as an exchange; the calls before it are quiet.
 */
export async function pollUntilRefused(http: RecordingHttp, world: DemoWorld, token: string, intervalMs: number, timeoutMs: number): Promise<Refusal | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (let attempts = 1; performance.now() < deadline; attempts++) {
    const answer = await callResource(http, world, token, true);
    if (answer.status === 401) {
      http.record(http.describe('GET', `${world.resource.baseUrl}/notes`, { headers: { Authorization: `Bearer ${token}` } }, answer));
      return { answer, attempts };
    }
    if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return undefined;
}
