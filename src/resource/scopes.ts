import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OAuthError } from '../common/errors/oauth-error';
import type { AuthenticatedRequest } from './jwt-auth.guard';

const REQUIRED_SCOPES = 'oauth:required-scopes';

/** The route needs every one of these scopes; enforced by `ScopesGuard` after a bearer guard. */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The required scopes missing from a token's space-separated `scope`. */
export function missingScopes(granted: string, required: readonly string[]): string[] {
  const held = new Set(granted.split(' ').filter(Boolean));
  return required.filter((scope) => !held.has(scope));
}

/** RFC 6750 §3.1: a token without a needed scope is `403 insufficient_scope`, naming the scope. */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]);
    if (!required?.length) return true;
    const { user } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const missing = missingScopes(user?.scope ?? '', required);
    if (missing.length) {
      throw new OAuthError('insufficient_scope', `this request needs scope ${required.join(' ')}`, `missing ${missing.join(' ')}`, required.join(' '));
    }
    return true;
  }
}
