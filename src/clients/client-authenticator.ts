import { Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { Clock } from '../common/clock';
import { OAuthError } from '../common/errors/oauth-error';
import { textFormParameter } from '../common/form-parameters';
import { containsNul } from '../common/nul-characters';
import { Metrics } from '../operations/metrics/metrics';
import { CredentialThrottle } from '../throttling/credential-throttle';
import type { AuthenticatedClient } from './authenticated-client';
import type { Client } from './client.entity';
import { clientSecretMatches } from './client-secrets';
import { ClientsService } from './clients.service';
import { ClientAssertions } from './client-assertions/client-assertions';

/** The parts of a request that carry client credentials. */
export interface ClientCredentialsInput {
  authorization?: string;
  body: Record<string, unknown>;
  /** The caller's address (`req.ip`), for throttling failures; none: not throttled. */
  ip?: string;
}

const BAD_CLIENT = 'client authentication failed';

/**
 * Resolves exactly one client authentication method (RFC 6749 §2.3): `client_secret_basic`,
 * `client_secret_post`, `none` for a public client, or `private_key_jwt` (RFC 7523) for a
 * client named by a metadata document; anything else is `invalid_client`.
 * Unknown client and wrong secret get the same answer: no oracle.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly clients: ClientsService,
    private readonly clock: Clock,
    private readonly throttle: CredentialThrottle,
    private readonly metrics: Metrics,
    private readonly assertions: ClientAssertions,
  ) {}

  /**
   * Authenticates the caller, or throws `invalid_client` (`401`); failures are counted, and
   * past a limit the answer is `429` (see `CredentialThrottle`).
   */
  async authenticate(input: ClientCredentialsInput): Promise<AuthenticatedClient> {
    const { ip } = input;
    if (ip === undefined) return this.check(input);
    this.throttle.refuseBlockedAddress('client', ip);
    try {
      return await this.check(input);
    } catch (error) {
      if (!(error instanceof OAuthError) || error.code !== 'invalid_client') throw error;
      throw (await this.throttle.failed('client', ip, claimedClientId(input))) ?? error;
    }
  }

  /** One authentication attempt; a failure is counted in the metrics. */
  private async check(input: ClientCredentialsInput): Promise<AuthenticatedClient> {
    try {
      return await this.authenticateOnce(input);
    } catch (error) {
      if (error instanceof OAuthError && error.code === 'invalid_client') this.metrics.clientAuthenticationFailed();
      throw error;
    }
  }

  private async authenticateOnce(input: ClientCredentialsInput): Promise<AuthenticatedClient> {
    const basic = parseBasic(input.authorization);
    const bodyId = textFormParameter(input.body, 'client_id');
    const bodySecret = textFormParameter(input.body, 'client_secret');

    if (basic && bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'use exactly one client authentication method');
    }
    if (basic && bodyId !== undefined && bodyId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the authenticated client');
    }

    const assertionType = textFormParameter(input.body, 'client_assertion_type');
    const assertion = textFormParameter(input.body, 'client_assertion');
    if (assertionType !== undefined || assertion !== undefined) {
      if (basic || bodySecret !== undefined) throw new OAuthError('invalid_request', 'use exactly one client authentication method');
      return this.authenticateByAssertion(assertionType, assertion, bodyId);
    }

    const method = basic ? 'client_secret_basic' : bodySecret !== undefined ? 'client_secret_post' : 'none';
    const clientId = basic?.clientId ?? bodyId;
    if (!clientId) throw new OAuthError('invalid_client', 'client authentication is required');

    const client = await this.clients.findForAuthentication(clientId);
    if (!client || client.tokenEndpointAuthMethod !== method) {
      throw new OAuthError('invalid_client', BAD_CLIENT, `client ${clientId}: unknown, or not registered for ${method}`);
    }
    if (method !== 'none') {
      const secret = basic?.clientSecret ?? bodySecret ?? '';
      if (!clientSecretMatches(client, secret, this.clock.now())) {
        throw new OAuthError('invalid_client', BAD_CLIENT, `client ${clientId}: wrong secret`);
      }
    }
    return toAuthenticatedClient(client);
  }

  /** `private_key_jwt`: the assertion names the client (`client_id` in the body is optional, and must agree). */
  private async authenticateByAssertion(assertionType: string | undefined, assertion: string | undefined, bodyId: string | undefined): Promise<AuthenticatedClient> {
    const clientId = this.assertions.claimedClientId(assertionType, assertion);
    if (bodyId !== undefined && bodyId !== clientId) throw new OAuthError('invalid_client', BAD_CLIENT, 'client_id differs from the assertion issuer');
    const client = await this.clients.findForAuthentication(clientId);
    if (!client || client.tokenEndpointAuthMethod !== 'private_key_jwt') {
      throw new OAuthError('invalid_client', BAD_CLIENT, `client ${clientId.slice(0, 200)}: unknown, or not registered for private_key_jwt`);
    }
    await this.assertions.verify(client, assertion!);
    return toAuthenticatedClient(client);
  }
}

export function toAuthenticatedClient(client: Client): AuthenticatedClient {
  return {
    clientId: client.clientId,
    clientName: client.clientName,
    isConfidential: client.tokenEndpointAuthMethod !== 'none',
    authMethod: client.tokenEndpointAuthMethod,
    grantTypes: client.grantTypes,
    scopes: client.scope.split(' ').filter(Boolean),
    redirectUris: client.redirectUris,
  };
}

/** The client id a failed request named (or its assertion's `iss`), if readably: for counting its failures. */
function claimedClientId(input: ClientCredentialsInput): string | undefined {
  try {
    const assertion = textFormParameter(input.body, 'client_assertion');
    const issuer = assertion ? decodeJwt(assertion).iss : undefined;
    return parseBasic(input.authorization)?.clientId ?? textFormParameter(input.body, 'client_id') ?? (typeof issuer === 'string' ? issuer : undefined);
  } catch {
    return undefined;
  }
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding. */
function parseBasic(header?: string): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) {
    if (header && /^Basic\b/i.test(header)) throw new OAuthError('invalid_client', 'malformed Basic credentials');
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'malformed Basic credentials');
  try {
    const credentials = { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
    if (!containsNul(credentials.clientId + credentials.clientSecret)) return credentials;
  } catch {
    // not form-encoded: malformed, as below
  }
  throw new OAuthError('invalid_client', 'malformed Basic credentials');
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

