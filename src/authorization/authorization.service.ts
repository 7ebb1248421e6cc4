import { Injectable } from '@nestjs/common';
import { ADMIN_SCOPE } from '../admin/admin-auth.guard';
import { addSeconds, Clock } from '../common/clock';
import { constantTimeEqual, hmacSha256 } from '../common/crypto/hashing';
import { RandomSource } from '../common/crypto/random';
import { OAuthError } from '../common/errors/oauth-error';
import { parseScope } from '../common/scopes';
import type { Client } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { AppConfig } from '../config/app-config';
import { Metrics } from '../operations/metrics/metrics';
import { AuthorizationCodes } from '../tokens/grants/authorization-codes.service';
import { ADMIN_ROLE, hasRole, type User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import {
  AuthorizationPageError,
  AuthorizationParams,
  Prompt,
  redirectWith,
  singleOrNothing,
  trustedRedirect,
  validateAuthorizationParams,
} from './authorization-params';
import { AuthorizationRequest } from './authorization-request.entity';
import { AuthorizationRequestsRepository } from './authorization-requests.repository';
import { ConsentsRepository } from './consents.repository';
import { LoginThrottle } from './login-throttle';
import { SessionEnder } from './session-ender';
import { SessionsRepository } from './sessions.repository';
import type { UserSession } from './user-session.entity';
import { ResourceRegistry } from '../resources/resource-registry';
import { readResourceParameter, ResourceTargets } from '../resources/resource-targets';
import { consentPage, errorPage, loginPage } from './views/pages';

/** How long a sign-in or consent page stays answerable. */
export const REQUEST_TTL_SECONDS = 600;

/** What the browser sent besides the form: its cookies and address. */
export interface BrowserContext {
  /** The random per-browser value in the CSRF cookie. */
  browserId: string;
  /** The sign-in session cookie, if any. */
  sessionId?: string;
  ip: string;
}

export type Outcome = (
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; status: number; html: string; retryAfterSeconds?: number }
) & {
  /** The browser's session has ended: clear its cookie. */
  signedOut?: boolean;
};

/** A sign-in also answers the new session, which the controller puts in a cookie. */
export type LoginOutcome = Outcome & { session?: { id: string; expiresAt: Date } };

export interface SignedIn {
  session: UserSession;
  user: User;
}

/**
 * The authorization endpoint's flow (RFC 6749 §4.1): validate the request, sign the user in,
 * ask for consent when needed, and answer with a code bound to everything that was checked.
 */
@Injectable()
export class AuthorizationService {
  constructor(
    private readonly clients: ClientsService,
    private readonly users: UsersService,
    private readonly requests: AuthorizationRequestsRepository,
    private readonly sessions: SessionsRepository,
    private readonly consents: ConsentsRepository,
    private readonly throttle: LoginThrottle,
    private readonly sessionEnder: SessionEnder,
    private readonly codes: AuthorizationCodes,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly config: AppConfig,
    private readonly registry: ResourceRegistry,
    private readonly targets: ResourceTargets,
    private readonly metrics: Metrics,
  ) {}

  /** `GET /authorize`, or `POST` with the same parameters as a form (RFC 6749 §3.1). */
  async authorize(query: Record<string, unknown>, browser: BrowserContext): Promise<Outcome> {
    const client = await this.clients.findUsable(singleOrNothing(query, 'client_id') ?? '');
    const redirectUri = trustedRedirect(query, client);
    const state = singleOrNothing(query, 'state');
    return this.redirectingErrors(redirectUri, state, async () => {
      const validated = validateAuthorizationParams(query, client!, redirectUri);
      // RFC 8707: which resources, and only their scopes (a redirected invalid_target otherwise).
      const target = this.targets.forAuthorization(readResourceParameter(query.resource), validated.scopes, singleOrNothing(query, 'scope') !== undefined);
      const params: AuthorizationParams = { ...validated, ...target };
      const signedIn = await this.signedIn(browser);
      const now = this.clock.now();
      const tooOld =
        params.maxAgeSeconds !== undefined &&
        signedIn !== null &&
        now.getTime() - signedIn.session.authTime.getTime() > params.maxAgeSeconds * 1000;
      // OIDC Core §3.1.2.1: a login_hint naming someone else than the signed-in user asks for a sign-in.
      const otherUser =
        params.loginHint !== undefined && signedIn !== null && params.loginHint.trim().toLowerCase() !== signedIn.user.emailNormalized;
      if (!signedIn || tooOld || otherUser || params.prompts.includes('login')) {
        if (params.prompts.includes('none')) throw new OAuthError('login_required', 'the user must sign in');
        const requestId = this.random.token();
        await this.requests.create(requestId, params, now, addSeconds(now, REQUEST_TTL_SECONDS));
        return this.page(200, loginPage({ clientName: client!.clientName, form: this.form(requestId, browser), email: params.loginHint }));
      }
      return this.continueSignedIn(client!, params, signedIn, browser);
    });
  }

  /** The login form's answer. */
  async submitLogin(body: Record<string, unknown>, browser: BrowserContext): Promise<LoginOutcome> {
    const { requestId, request, client } = await this.pendingRequest(body, browser);
    const form = this.form(requestId, browser);
    const email = singleOrNothing(body, 'email');
    const password = singleOrNothing(body, 'password');
    const again = (status: number, error: string, retryAfterSeconds?: number): LoginOutcome => ({
      kind: 'page',
      status,
      html: loginPage({ clientName: client.clientName, form, email, error }),
      retryAfterSeconds,
    });
    if (!email || !password) return again(400, 'Enter your email and password.');

    const now = this.clock.now();
    const attempt = await this.throttle.begin(email, browser.ip, now);
    const wait = attempt.retryAfterSeconds;
    if (wait > 0) return again(429, `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`, wait);
    const user = await this.users.verifyCredentials(email, password);
    // One message for an unknown email and a wrong password: no account enumeration.
    if (!user) {
      this.metrics.loginFailed();
      return again(400, 'Wrong email or password.');
    }
    await this.throttle.succeeded(attempt);

    // A new session id at every sign-in (no session fixation). The same user signing in again
    // keeps the session's public id, and with it the tokens it started; anyone else ends it.
    const previous = browser.sessionId ? await this.sessions.find(browser.sessionId) : null;
    let sid = this.random.id();
    if (previous && previous.userId === user.id && previous.sid && previous.expiresAt.getTime() > now.getTime()) {
      sid = previous.sid;
      await this.sessions.deleteByHash(previous.idHash);
    } else if (previous) {
      await this.sessionEnder.end(previous, 'signed_in_as_another_user');
    }
    const sessionId = this.random.token();
    const expiresAt = addSeconds(now, this.config.sessionTtlSeconds);
    const session = await this.sessions.create(sessionId, sid, user.id, now, expiresAt);

    const params = paramsOf(request);
    const outcome = await this.redirectingErrors(request.redirectUri, request.state ?? undefined, () =>
      this.continueSignedIn(client, params, { session, user }, browser, { requestId, request }),
    );
    return { ...outcome, session: { id: sessionId, expiresAt } };
  }

  /** The consent form's answer: `decision=allow` or `decision=deny`. */
  async submitConsent(body: Record<string, unknown>, browser: BrowserContext): Promise<Outcome> {
    const { request, client } = await this.pendingRequest(body, browser);
    const signedIn = await this.signedIn(browser);
    if (!signedIn || request.userId === null || signedIn.user.id !== request.userId) {
      throw new AuthorizationPageError(403, 'Not signed in', 'Your sign-in has ended. Go back to the application and try again.');
    }
    const decision = singleOrNothing(body, 'decision');
    if (decision !== 'allow' && decision !== 'deny') {
      throw new AuthorizationPageError(400, 'Invalid form', 'Choose Allow or Deny.');
    }
    await this.finish(request);
    const params = grantable(paramsOf(request), signedIn.user);
    return this.redirectingErrors(request.redirectUri, request.state ?? undefined, async () => {
      if (decision === 'deny') throw new OAuthError('access_denied', 'the user denied the request');
      await this.consents.grant(signedIn.user.id, client.clientId, params.scopes, this.clock.now());
      return this.issueCode(params, signedIn);
    });
  }

  /**
   * CSRF token of a form that acts on `subject` in this browser: an HMAC keyed by the random
   * value in its HttpOnly SameSite=Lax cookie, which another site can neither read nor compute.
   */
  csrfToken(browser: BrowserContext, subject: string): string {
    return hmacSha256(Buffer.from(browser.browserId), subject);
  }

  /** The live session of this browser and its user, or null. */
  async signedIn(browser: BrowserContext): Promise<SignedIn | null> {
    if (!browser.sessionId) return null;
    const session = await this.sessions.findLive(browser.sessionId, this.clock.now());
    const user = session && (await this.users.findById(session.userId));
    return session && user ? { session, user } : null;
  }

  private async continueSignedIn(
    client: Client,
    requested: AuthorizationParams,
    signedIn: SignedIn,
    browser: BrowserContext,
    pending?: { requestId: string; request: AuthorizationRequest },
  ): Promise<Outcome> {
    const params = grantable(requested, signedIn.user);
    // OIDC Core §3.1.2.1: prompt=consent asks even a first-party (skip_consent) client's user.
    const needsConsent =
      params.prompts.includes('consent') ||
      (!client.skipConsent && !(await this.consents.covers(signedIn.user.id, client.clientId, params.scopes)));
    if (needsConsent) {
      if (params.prompts.includes('none')) throw new OAuthError('consent_required', 'the user must consent');
      let requestId = pending?.requestId;
      if (pending) {
        await this.requests.bindUser(pending.request.idHash, signedIn.user.id);
      } else {
        const now = this.clock.now();
        requestId = this.random.token();
        const request = await this.requests.create(requestId, params, now, addSeconds(now, REQUEST_TTL_SECONDS));
        await this.requests.bindUser(request.idHash, signedIn.user.id);
      }
      return this.page(
        200,
        consentPage({
          clientName: client.clientName,
          scopes: params.scopes.map((name) => ({ name, description: this.registry.describe(name) })),
          userEmail: signedIn.user.email,
          offline: params.scopes.includes('offline_access'),
          form: this.form(requestId!, browser),
        }),
      );
    }
    if (pending) await this.finish(pending.request);
    return this.issueCode(params, signedIn);
  }

  /** RFC 6749 §4.1.2 and RFC 9207: a fresh code, stored as its hash, bound to what was checked. */
  private async issueCode(params: AuthorizationParams, signedIn: SignedIn): Promise<Outcome> {
    const code = await this.codes.issue({
      clientId: params.clientId,
      userId: signedIn.user.id,
      redirectUri: params.redirectUri,
      scopes: params.scopes,
      resources: params.resources,
      codeChallenge: params.codeChallenge,
      authTime: signedIn.session.authTime,
      sessionId: signedIn.session.sid,
      nonce: params.nonce,
    });
    return {
      kind: 'redirect',
      location: redirectWith(params.redirectUri, { code, state: params.state, iss: this.config.issuer }),
    };
  }

  /** A pending request answers one form submission that completes it; a second one finds it gone. */
  private async finish(request: AuthorizationRequest): Promise<void> {
    if (!(await this.requests.consume(request.idHash))) throw expired();
  }

  private async pendingRequest(
    body: Record<string, unknown>,
    browser: BrowserContext,
  ): Promise<{ requestId: string; request: AuthorizationRequest; client: Client }> {
    const requestId = this.checkCsrf(body, browser, 'request');
    const request = await this.requests.findLive(requestId, this.clock.now());
    if (!request) throw expired();
    const client = await this.clients.findUsable(request.clientId);
    // The client may have been deleted, or lost the redirect URI, since the request began.
    if (!client || !client.redirectUris.includes(request.redirectUri)) throw expired();
    return { requestId, request, client };
  }

  /**
   * CSRF: the form's token must be `csrfToken(browser, …)` of what it acts on; the comparison
   * is constant-time. Returns the request id.
   */
  checkCsrf(body: Record<string, unknown>, browser: BrowserContext, purpose: 'request' | 'logout'): string {
    const requestId = purpose === 'request' ? (singleOrNothing(body, 'request_id') ?? '') : '';
    const presented = singleOrNothing(body, 'csrf_token') ?? '';
    const expected = this.csrfToken(browser, purpose === 'request' ? `request:${requestId}` : 'logout');
    if (!presented || !constantTimeEqual(presented, expected)) {
      throw new AuthorizationPageError(403, 'Request refused', 'This form has expired or did not come from this site. Go back and try again.');
    }
    return requestId;
  }

  private form(requestId: string, browser: BrowserContext) {
    return { requestId, csrfToken: this.csrfToken(browser, `request:${requestId}`) };
  }

  /** Runs a step whose `OAuthError`s go back to the client (RFC 6749 §4.1.2.1). */
  private async redirectingErrors(redirectUri: string, state: string | undefined, step: () => Promise<Outcome>): Promise<Outcome> {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return {
        kind: 'redirect',
        location: redirectWith(redirectUri, {
          error: error.code,
          error_description: error.description,
          state,
          iss: this.config.issuer,
        }),
      };
    }
  }

  private page(status: number, html: string): Outcome {
    return { kind: 'page', status, html };
  }
}

export function renderPageError(error: AuthorizationPageError): Outcome {
  return { kind: 'page', status: error.status, html: errorPage(error.title, error.description) };
}

function expired(): AuthorizationPageError {
  return new AuthorizationPageError(400, 'Request expired', 'This sign-in request has expired or was already used. Go back to the application and try again.');
}

/** The stored request in the shape of freshly validated parameters. */
function paramsOf(request: AuthorizationRequest): AuthorizationParams {
  return {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes: parseScope(request.scope),
    resources: parseScope(request.resources),
    state: request.state ?? undefined,
    codeChallenge: request.codeChallenge,
    prompts: parseScope(request.prompt) as Prompt[],
    nonce: request.nonce ?? undefined,
  };
}

/**
 * The requested scope less what this user cannot be given: `admin` only with the `admin` role.
 * Dropped silently, so an ordinary user of an admin client gets the rest, never an error.
 */
function grantable(params: AuthorizationParams, user: User): AuthorizationParams {
  if (!params.scopes.includes(ADMIN_SCOPE) || hasRole(user, ADMIN_ROLE)) return params;
  return { ...params, scopes: params.scopes.filter((scope) => scope !== ADMIN_SCOPE) };
}
