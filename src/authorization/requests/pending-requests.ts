import { Injectable } from '@nestjs/common';
import { addSeconds, Clock } from '../../common/clock';
import { RandomSource } from '../../common/crypto/random';
import { parseScope } from '../../common/scopes';
import type { Client } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { AuthorizationPageError, AuthorizationParams, Prompt } from '../authorization-params';
import { AuthorizationRequest } from '../authorization-request.entity';
import { AuthorizationRequestsRepository } from '../authorization-requests.repository';
import { checkCsrf } from '../form-csrf';
import type { BrowserContext } from '../outcome';

/** How long a sign-in or consent page stays answerable. */
export const REQUEST_TTL_SECONDS = 600;

/** A pending request as a form submission finds it, with its client. */
export interface PendingRequest {
  requestId: string;
  request: AuthorizationRequest;
  client: Client;
}

/**
 * Authorization requests waiting for a form (sign-in or consent): stored under a random id
 * for a few minutes, found again only by a form with this browser's CSRF token, and answered
 * by one submission.
 */
@Injectable()
export class PendingRequests {
  constructor(
    private readonly requests: AuthorizationRequestsRepository,
    private readonly clients: ClientsService,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /** Stores `params` as a pending request (bound to `userId` when given); answers its id. */
  async open(params: AuthorizationParams, now: Date, userId?: string): Promise<string> {
    const requestId = this.random.token();
    const request = await this.requests.create(requestId, params, now, addSeconds(now, REQUEST_TTL_SECONDS));
    if (userId !== undefined) await this.requests.bindUser(request.idHash, userId);
    return requestId;
  }

  /** The signed-in user the request now waits on (for consent). */
  bindUser(request: AuthorizationRequest, userId: string): Promise<void> {
    return this.requests.bindUser(request.idHash, userId);
  }

  /** The live request a form answers, after its CSRF token is checked; an expired-page error otherwise. */
  async fromForm(body: Record<string, unknown>, browser: BrowserContext): Promise<PendingRequest> {
    const requestId = checkCsrf(body, browser, 'request');
    const request = await this.requests.findLive(requestId, this.clock.now());
    if (!request) throw expired();
    const client = await this.clients.findUsable(request.clientId);
    // The client may have been deleted, or lost the redirect URI, since the request began.
    if (!client || !client.redirectUris.includes(request.redirectUri)) throw expired();
    return { requestId, request, client };
  }

  /** A pending request answers one form submission that completes it; a second one finds it gone. */
  async finish(request: AuthorizationRequest): Promise<void> {
    if (!(await this.requests.consume(request.idHash))) throw expired();
  }
}

/** The stored request in the shape of freshly validated parameters. */
export function paramsOf(request: AuthorizationRequest): AuthorizationParams {
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

function expired(): AuthorizationPageError {
  return new AuthorizationPageError(400, 'Request expired', 'This sign-in request has expired or was already used. Go back to the application and try again.');
}
