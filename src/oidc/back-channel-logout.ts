import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SignJWT } from 'jose';
import { addSeconds, Clock, epochSeconds } from '../common/clock';
import { RandomSource } from '../common/crypto/random';
import { hostListProblem, looksLikeClientIdUrl } from '../client-metadata/client-id-url';
import { FetchRefused, GuardedFetch } from '../client-metadata/guarded-fetch';
import { ClientsService } from '../clients/clients.service';
import { AppConfig } from '../config/app-config';
import { KeyStoreService } from '../tokens/signing/key-store.service';

/** Back-Channel Logout 1.0 §2.4: the one event a logout token carries. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token is for immediate delivery; two minutes covers every retry's signing anew. */
const LOGOUT_TOKEN_TTL_SECONDS = 120;

/** How hard delivery tries. A class so tests can provide a faster one. */
@Injectable()
export class BackChannelLogoutPolicy {
  /** Attempts per client, the first included. */
  readonly attempts: number = 5;
  /** The wait before the second attempt; each later wait doubles (1, 2, 4, 8 s). */
  readonly firstRetryDelayMs: number = 1000;
  /** One attempt's time limit. */
  readonly timeoutMs: number = 5000;
}

/** The session that ended. */
export interface EndedSession {
  /** The user (`sub`). */
  userId: string;
  /** The session's public id (`sid`). */
  sid: string;
}

/**
 * Back-Channel Logout 1.0: when a sign-in session ends, every client that got tokens from it and
 * registered a `backchannel_logout_uri` is sent a logout token. Delivery runs off the request
 * path: `notify` returns at once; each attempt is logged (client, attempt, outcome), never the
 * token. Pending retries live in this process: a restart drops them.
 */
@Injectable()
export class BackChannelLogout implements OnApplicationShutdown {
  private readonly logger = new Logger('BackChannelLogout');
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private stopped = false;

  constructor(
    private readonly clients: ClientsService,
    private readonly keys: KeyStoreService,
    private readonly policy: BackChannelLogoutPolicy,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly guardedFetch: GuardedFetch,
  ) {}

  /** Schedules delivery to the session's clients; never waits for them, never throws. */
  notify(session: EndedSession, clientIds: readonly string[]): void {
    for (const clientId of clientIds) this.schedule(() => this.deliver(session, clientId, 1), 0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const controller of this.inFlight) controller.abort();
  }

  private schedule(task: () => Promise<void>, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task().catch((error) => this.logger.warn({ msg: 'back-channel logout failed unexpectedly', error: String(error) }));
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async deliver(session: EndedSession, clientId: string, attempt: number): Promise<void> {
    const client = await this.clients.findUsable(clientId);
    const uri = client?.backchannelLogoutUri;
    if (!uri) return;
    const logoutToken = await this.logoutToken(session, clientId);
    // A metadata document's URI is the document author's choice: it goes through the SSRF guard.
    const outcome = looksLikeClientIdUrl(clientId) ? await this.postGuarded(uri, logoutToken) : await this.post(uri, logoutToken);
    const log = { msg: 'back-channel logout attempt', client_id: clientId, sid: session.sid, attempt, ...outcome };
    if (outcome.delivered) {
      this.logger.log(log);
      return;
    }
    if (attempt >= this.policy.attempts || ('refused' in outcome && outcome.refused)) {
      this.logger.warn({ ...log, msg: 'back-channel logout given up' });
      return;
    }
    this.logger.warn(log);
    this.schedule(() => this.deliver(session, clientId, attempt + 1), this.policy.firstRetryDelayMs * 2 ** (attempt - 1));
  }

  /** §2.8: a 200 (or any 2xx) is delivered; anything else, or no answer, is retried. */
  private async post(uri: string, logoutToken: string): Promise<{ delivered: boolean; status?: number; error?: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.policy.timeoutMs);
    this.inFlight.add(controller);
    try {
      const response = await fetch(uri, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
        redirect: 'manual', // a redirect is not a delivery, and is not followed
        signal: controller.signal,
      });
      await response.body?.cancel();
      return { delivered: response.status >= 200 && response.status < 300, status: response.status };
    } catch (error) {
      return { delivered: false, error: error instanceof Error ? error.name : 'error' };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  /** `post` for a metadata-document client: never to a refused address or host, and not retried when refused. */
  private async postGuarded(uri: string, logoutToken: string): Promise<{ delivered: boolean; status?: number; error?: string; refused?: boolean }> {
    const { allowHttpLoopback, allowedHosts, deniedHosts } = this.config.clientIdMetadata;
    try {
      const url = new URL(uri);
      const hostProblem = hostListProblem(url, { allowedHosts, deniedHosts }, false);
      if (hostProblem) return { delivered: false, error: hostProblem, refused: true };
      const status = await this.guardedFetch.postForm(url, { logout_token: logoutToken }, { allowHttpLoopback }, this.policy.timeoutMs);
      return { delivered: status >= 200 && status < 300, status };
    } catch (error) {
      if (error instanceof FetchRefused) return { delivered: false, error: error.message };
      return { delivered: false, error: error instanceof Error ? error.name : 'error' };
    }
  }

  /** §2.4: `typ: logout+jwt`, the event, `sub` and `sid`, and never a `nonce`. */
  private logoutToken(session: EndedSession, clientId: string): Promise<string> {
    const signer = this.keys.activeSigner();
    const now = this.clock.now();
    return new SignJWT({ sid: session.sid, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } })
      .setProtectedHeader({ alg: signer.alg, typ: 'logout+jwt', kid: signer.kid })
      .setIssuer(this.config.issuer)
      .setSubject(session.userId)
      .setAudience(clientId)
      .setIssuedAt(epochSeconds(now))
      .setExpirationTime(epochSeconds(addSeconds(now, LOGOUT_TOKEN_TTL_SECONDS)))
      .setJti(this.random.id())
      .sign(signer.privateKey);
  }
}
