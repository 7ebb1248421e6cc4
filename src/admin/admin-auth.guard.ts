import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../common/crypto/hashing';
import { OAuthError } from '../common/errors/oauth-error';
import { parseScope } from '../common/scopes';
import { AppConfig } from '../config/app-config';
import { BearerTokenError, type AccessTokenClaims } from '@nest-oauth/resource-server';
import { AccessTokenVerifier } from '../resource/access-token-verifier';
import { CredentialThrottle } from '../throttling/credential-throttle';
import { setAdminActor } from './admin-actor';

export const ADMIN_SCOPE = 'admin';

/**
 * Guards `/admin/*`: `Authorization: Bearer <ADMIN_API_KEY>` (compared in constant time), or
 * an access token of this server with scope `admin`. Without ADMIN_API_KEY only access tokens
 * get in. Failures are RFC 6750 challenges (`401`, or `403` for a token without the scope)
 * written by the OAuthError filter with `WWW-Authenticate: Bearer`.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly logger = new Logger(AdminAuthGuard.name);

  constructor(
    private readonly config: AppConfig,
    private readonly verifier: AccessTokenVerifier,
    private readonly throttle: CredentialThrottle,
  ) {}

  /**
   * A wrong key or an invalid token counts as a failure of the caller's address; past
   * ADMIN_AUTH_MAX_FAILURES_PER_IP the address is refused with `429` before its key is checked.
   */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new OAuthError('invalid_token', 'admin credentials are required');
    const ip = request.ip;
    if (ip === undefined) return this.check(request, token);
    this.throttle.refuseBlockedAddress('admin', ip);
    try {
      return await this.check(request, token);
    } catch (error) {
      if (!(error instanceof OAuthError) || error.code !== 'invalid_token') throw error;
      throw (await this.throttle.failed('admin', ip)) ?? error;
    }
  }

  private async check(request: FastifyRequest, token: string): Promise<boolean> {
    const key = this.config.adminApiKey;
    if (key !== undefined && constantTimeEqual(token, key)) {
      setAdminActor(request, 'admin_key');
      return true;
    }
    // Only a JWT can be an access token; anything else is a wrong key, said the same way.
    if (token.split('.').length !== 3) throw new OAuthError('invalid_token', 'invalid admin credentials', 'not the admin key');

    const claims = await this.verifiedClaims(token);
    if (!parseScope(claims.scope).includes(ADMIN_SCOPE)) {
      throw new OAuthError('insufficient_scope', 'the admin scope is required', `sub ${claims.sub}`, ADMIN_SCOPE);
    }
    setAdminActor(request, `sub:${claims.sub} client:${claims.client_id}`);
    this.logger.log({ msg: 'admin call by access token', reqId: request.id, sub: claims.sub, client_id: claims.client_id, jti: claims.jti });
    return true;
  }

  /** The token's claims; a bad token is an `OAuthError`, answered by the server's filter. */
  private async verifiedClaims(token: string): Promise<AccessTokenClaims> {
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof BearerTokenError) throw new OAuthError(error.code, error.description, error.detail, error.scope);
      throw error;
    }
  }
}

/** The credentials of an RFC 6750 §2.1 `Authorization: Bearer` header. */
function bearerToken(header: string | undefined): string | undefined {
  // Any non-blank credentials: the admin key is operator-chosen, not necessarily token68.
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}
