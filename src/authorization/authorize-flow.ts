import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { OAuthError } from '../common/errors/oauth-error';
import type { Client } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { AppConfig } from '../config/app-config';
import { readResourceParameter, ResourceTargets } from '../resources/resource-targets';
import { AuthorizationPageError, AuthorizationParams, singleOrNothing, trustedRedirect, validateAuthorizationParams } from './authorization-params';
import { AuthorizationRequest } from './authorization-request.entity';
import { CodeIssuer } from './codes/code-issuer';
import { ConsentStep, grantable } from './consent/consent-step';
import { BrowserContext, LoginOutcome, Outcome, pageOutcome, redirectingErrors } from './outcome';
import { paramsOf, PendingRequests } from './requests/pending-requests';
import { BrowserSessions, SignedIn } from './sessions/browser-sessions';
import { SignInForm } from './sessions/sign-in-form';

/**
 * The authorization endpoint's flow (RFC 6749 §4.1): validate the request, sign the user in,
 * ask for consent when needed, and answer with a code bound to everything that was checked.
 * Each step is its own service; this one only decides which comes next.
 */
@Injectable()
export class AuthorizeFlow {
  constructor(
    private readonly clients: ClientsService,
    private readonly requests: PendingRequests,
    private readonly sessions: BrowserSessions,
    private readonly signInForm: SignInForm,
    private readonly consent: ConsentStep,
    private readonly codes: CodeIssuer,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly targets: ResourceTargets,
  ) {}

  /** `GET /authorize`, or `POST` with the same parameters as a form (RFC 6749 §3.1). */
  async authorize(query: Record<string, unknown>, browser: BrowserContext): Promise<Outcome> {
    const client = await this.clients.findUsable(singleOrNothing(query, 'client_id') ?? '');
    const redirectUri = trustedRedirect(query, client);
    const state = singleOrNothing(query, 'state');
    return redirectingErrors(this.config.issuer, redirectUri, state, async () => {
      const validated = validateAuthorizationParams(query, client!, redirectUri);
      // RFC 8707: which resources, and only their scopes (a redirected invalid_target otherwise).
      const target = this.targets.forAuthorization(readResourceParameter(query.resource), validated.scopes, singleOrNothing(query, 'scope') !== undefined);
      const params: AuthorizationParams = { ...validated, ...target };
      const signedIn = await this.sessions.signedIn(browser);
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
        const requestId = await this.requests.open(params, now);
        return pageOutcome(200, this.signInForm.page(client!.clientName, requestId, browser, params.loginHint));
      }
      return this.continueSignedIn(client!, params, signedIn, browser);
    });
  }

  /** The login form's answer. */
  async submitLogin(body: Record<string, unknown>, browser: BrowserContext): Promise<LoginOutcome> {
    const { requestId, request, client } = await this.requests.fromForm(body, browser);
    const result = await this.signInForm.submit(body, browser, client.clientName, requestId);
    if ('again' in result) return result.again;
    const params = paramsOf(request);
    const outcome = await redirectingErrors(this.config.issuer, request.redirectUri, request.state ?? undefined, () =>
      this.continueSignedIn(client, params, result.signedIn, browser, { requestId, request }),
    );
    return { ...outcome, session: result.cookie };
  }

  /** The consent form's answer: `decision=allow` or `decision=deny`. */
  async submitConsent(body: Record<string, unknown>, browser: BrowserContext): Promise<Outcome> {
    const { request, client } = await this.requests.fromForm(body, browser);
    const signedIn = await this.sessions.signedIn(browser);
    if (!signedIn || request.userId === null || signedIn.user.id !== request.userId) {
      throw new AuthorizationPageError(403, 'Not signed in', 'Your sign-in has ended. Go back to the application and try again.');
    }
    const decision = this.consent.decisionOf(body);
    await this.requests.finish(request);
    const params = grantable(paramsOf(request), signedIn.user);
    return redirectingErrors(this.config.issuer, request.redirectUri, request.state ?? undefined, async () => {
      if (decision === 'deny') throw new OAuthError('access_denied', 'the user denied the request');
      await this.consent.grant(signedIn.user.id, client.clientId, params.scopes);
      return this.codes.issue(params, signedIn);
    });
  }

  private async continueSignedIn(
    client: Client,
    requested: AuthorizationParams,
    signedIn: SignedIn,
    browser: BrowserContext,
    pending?: { requestId: string; request: AuthorizationRequest },
  ): Promise<Outcome> {
    const params = grantable(requested, signedIn.user);
    if (await this.consent.needed(client, params, signedIn.user.id)) {
      if (params.prompts.includes('none')) throw new OAuthError('consent_required', 'the user must consent');
      let requestId: string;
      if (pending) {
        requestId = pending.requestId;
        await this.requests.bindUser(pending.request, signedIn.user.id);
      } else {
        requestId = await this.requests.open(params, this.clock.now(), signedIn.user.id);
      }
      return pageOutcome(200, this.consent.page(client, params, signedIn.user, browser, requestId));
    }
    if (pending) await this.requests.finish(pending.request);
    return this.codes.issue(params, signedIn);
  }
}
