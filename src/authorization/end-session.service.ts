import { Injectable } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service';
import type { Client } from '../clients/client.entity';
import { IdTokenHintReader } from '../tokens/id-tokens/id-token-hint.reader';
import { textFormParameter } from '../common/form-parameters';
import { AuthorizationPageError, redirectWith } from './authorization-params';
import { checkCsrf, csrfToken } from './form-csrf';
import type { BrowserContext, Outcome } from './outcome';
import { SessionEnder } from './session-ender';
import { BrowserSessions } from './sessions/browser-sessions';
import { LogoutTarget, logoutPage, signedOutPage } from './views/pages';

/** The parameters of RP-Initiated Logout 1.0 §2 this server reads. */
const LOGOUT_PARAMETERS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state'];
const UNREGISTERED =
  'The application asked to send you to an address it has not registered for after signing out (invalid_request), so you stay here.';

/**
 * `end_session_endpoint` (RP-Initiated Logout 1.0) at `/logout`, `GET` or `POST`. With a valid
 * `id_token_hint` the session ends at once; without one the user confirms on a page whose
 * form carries a CSRF token. Then a `302` to a registered `post_logout_redirect_uri` with
 * `state`, or the "signed out" page. An unregistered URI is never redirected to.
 */
@Injectable()
export class EndSessionService {
  constructor(
    private readonly sessions: BrowserSessions,
    private readonly clients: ClientsService,
    private readonly hints: IdTokenHintReader,
    private readonly ender: SessionEnder,
  ) {}

  /** A logout request from a client (or a plain visit to `/logout`). */
  async request(params: Record<string, unknown>, browser: BrowserContext): Promise<Outcome> {
    const hintToken = parameter(params, 'id_token_hint');
    const hint = hintToken === undefined ? undefined : await this.hints.read(hintToken);
    if (hint === null) throw invalidRequest('The sign-out request carried an ID token that this server did not issue or cannot read.');
    const clientId = parameter(params, 'client_id');
    if (hint && clientId !== undefined && clientId !== hint.clientId) {
      throw invalidRequest('The sign-out request named one application in client_id and another in its ID token.');
    }
    const target: LogoutTarget = {
      clientId: hint?.clientId ?? clientId,
      postLogoutRedirectUri: parameter(params, 'post_logout_redirect_uri'),
      state: parameter(params, 'state'),
    };
    const client = target.clientId ? await this.clients.findUsable(target.clientId) : null;
    const signedIn = await this.sessions.signedIn(browser);
    // A hint about this browser's user ends the session at once; one about someone else asks first.
    if (signedIn && !(hint && hint.sub === signedIn.user.id)) {
      return page(
        200,
        logoutPage({
          csrfToken: csrfToken(browser, 'logout'),
          clientName: client?.clientName,
          target,
          notice: target.postLogoutRedirectUri !== undefined && !registered(client, target) ? UNREGISTERED : undefined,
        }),
      );
    }
    if (signedIn) await this.ender.end(signedIn.session, 'logout');
    return { ...this.finish(client, target), signedOut: signedIn !== null };
  }

  /** The confirmation form's answer: ends the session if its CSRF token belongs to this browser. */
  async confirm(body: Record<string, unknown>, browser: BrowserContext): Promise<Outcome> {
    checkCsrf(body, browser, 'logout');
    const decision = parameter(body, 'decision');
    if (decision !== undefined && decision !== 'logout') throw new AuthorizationPageError(400, 'Invalid form', 'Choose Sign out.');
    const target: LogoutTarget = {
      clientId: parameter(body, 'client_id'),
      postLogoutRedirectUri: parameter(body, 'post_logout_redirect_uri'),
      state: parameter(body, 'state'),
    };
    const client = target.clientId ? await this.clients.findUsable(target.clientId) : null;
    const signedIn = await this.sessions.signedIn(browser);
    if (signedIn) await this.ender.end(signedIn.session, 'logout');
    return { ...this.finish(client, target), signedOut: true };
  }

  /** True when a `POST /logout` is the confirmation form rather than a client's logout request. */
  isConfirmation(body: Record<string, unknown>): boolean {
    return body.csrf_token !== undefined || body.decision !== undefined || !LOGOUT_PARAMETERS.some((name) => body[name] !== undefined);
  }

  private finish(client: Client | null, target: LogoutTarget): Outcome {
    if (target.postLogoutRedirectUri === undefined) return page(200, signedOutPage());
    if (!registered(client, target)) return page(200, signedOutPage({ notice: UNREGISTERED }));
    return { kind: 'redirect', location: redirectWith(target.postLogoutRedirectUri, { state: target.state }) };
  }
}

/** Byte-for-byte one of the client's `post_logout_redirect_uris`. */
function registered(client: Client | null, target: LogoutTarget): boolean {
  return !!client && !!target.postLogoutRedirectUri && (client.postLogoutRedirectUris ?? []).includes(target.postLogoutRedirectUri);
}

function parameter(params: Record<string, unknown>, name: string): string | undefined {
  try {
    return textFormParameter(params, name);
  } catch {
    throw invalidRequest(`The sign-out request has a malformed ${name}.`);
  }
}

function invalidRequest(description: string): AuthorizationPageError {
  return new AuthorizationPageError(400, 'Invalid sign-out request', `${description} (invalid_request)`);
}

function page(status: number, html: string): Outcome {
  return { kind: 'page', status, html };
}
