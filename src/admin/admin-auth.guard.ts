import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';
import { constantTimeEqual } from '../common/crypto/hashing';
import { OAuthError } from '../common/errors/oauth-error';
import { AppConfig } from '../config/app-config';
import { AdminTokenVerifier } from './admin-token-verifier';

export const ADMIN_SCOPE = 'admin';

/**
 * Guards `/admin/*`: `Authorization: Bearer <ADMIN_API_KEY>` (compared in constant time), or
 * an access token with scope `admin` once an `AdminTokenVerifier` is provided. Without
 * ADMIN_API_KEY and without a verifier every request is `401`. Failures are RFC 6750
 * challenges (`401` + `WWW-Authenticate: Bearer`) written by the OAuthError filter.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly logger = new Logger(AdminAuthGuard.name);

  constructor(
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new OAuthError('invalid_token', 'admin credentials are required');

    const key = this.config.adminApiKey;
    if (key !== undefined && constantTimeEqual(token, key)) return true;

    const verifier = this.tokenVerifier();
    if (!verifier) throw new OAuthError('invalid_token', 'invalid admin credentials', 'not the admin key');
    let claims;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      throw new OAuthError('invalid_token', 'invalid admin credentials', `access token refused: ${describe(error)}`);
    }
    const scopes = (claims.scope ?? '').split(' ');
    if (!scopes.includes(ADMIN_SCOPE)) {
      throw new OAuthError('insufficient_scope', 'the admin scope is required', `sub ${claims.sub}`, ADMIN_SCOPE);
    }
    this.logger.log({ msg: 'admin call by access token', sub: claims.sub, client_id: claims.client_id });
    return true;
  }

  /** Looked up on demand so that the admin module depends on no token module. */
  private tokenVerifier(): AdminTokenVerifier | undefined {
    try {
      return this.moduleRef.get(AdminTokenVerifier, { strict: false });
    } catch {
      return undefined;
    }
  }
}

/** The credentials of an RFC 6750 §2.1 `Authorization: Bearer` header. */
function bearerToken(header: string | undefined): string | undefined {
  // Any non-blank credentials: the admin key is operator-chosen, not necessarily token68.
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
