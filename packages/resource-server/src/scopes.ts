import { SetMetadata } from '@nestjs/common';

/** The metadata key under which `@RequireScopes` records a route's scopes. */
export const REQUIRED_SCOPES = 'oauth:required-scopes';

/** The route needs every one of these scopes; checked by the bearer guard, or by `ScopesGuard`. */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The required scopes missing from a token's space-separated `scope`. */
export function missingScopes(granted: string, required: readonly string[]): string[] {
  const held = new Set(granted.split(' ').filter(Boolean));
  return required.filter((scope) => !held.has(scope));
}
