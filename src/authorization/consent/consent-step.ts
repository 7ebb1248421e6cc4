import { Injectable } from '@nestjs/common';
import { ADMIN_SCOPE } from '../../admin/admin-auth.guard';
import { Clock } from '../../common/clock';
import type { Client } from '../../clients/client.entity';
import { ResourceRegistry } from '../../resources/resource-registry';
import { ADMIN_ROLE, hasRole, type User } from '../../users/user.entity';
import { AuthorizationPageError, AuthorizationParams, singleOrNothing } from '../authorization-params';
import { ConsentsRepository } from '../consents.repository';
import { requestForm } from '../form-csrf';
import type { BrowserContext } from '../outcome';
import { consentPage } from '../views/pages';

/** Whether the user must be asked, the consent page, and what an answer records. */
@Injectable()
export class ConsentStep {
  constructor(
    private readonly consents: ConsentsRepository,
    private readonly registry: ResourceRegistry,
    private readonly clock: Clock,
  ) {}

  /** OIDC Core §3.1.2.1: prompt=consent asks even a first-party (skip_consent) client's user. */
  async needed(client: Client, params: AuthorizationParams, userId: string): Promise<boolean> {
    return params.prompts.includes('consent') || (!client.skipConsent && !(await this.consents.covers(userId, client.clientId, params.scopes)));
  }

  /** The consent page's HTML for pending request `requestId`. */
  page(client: Client, params: AuthorizationParams, user: User, browser: BrowserContext, requestId: string): string {
    return consentPage({
      clientName: client.clientName,
      scopes: params.scopes.map((name) => ({ name, description: this.registry.describe(name) })),
      userEmail: user.email,
      offline: params.scopes.includes('offline_access'),
      form: requestForm(requestId, browser),
    });
  }

  /** The consent form's `decision`: `allow` or `deny`. */
  decisionOf(body: Record<string, unknown>): 'allow' | 'deny' {
    const decision = singleOrNothing(body, 'decision');
    if (decision !== 'allow' && decision !== 'deny') {
      throw new AuthorizationPageError(400, 'Invalid form', 'Choose Allow or Deny.');
    }
    return decision;
  }

  /** Records that the user allowed these scopes to the client. */
  grant(userId: string, clientId: string, scopes: string[]): Promise<void> {
    return this.consents.grant(userId, clientId, scopes, this.clock.now());
  }
}

/**
 * The requested scope less what this user cannot be given: `admin` only with the `admin` role.
 * Dropped silently, so an ordinary user of an admin client gets the rest, never an error.
 */
export function grantable(params: AuthorizationParams, user: User): AuthorizationParams {
  if (!params.scopes.includes(ADMIN_SCOPE) || hasRole(user, ADMIN_ROLE)) return params;
  return { ...params, scopes: params.scopes.filter((scope) => scope !== ADMIN_SCOPE) };
}
