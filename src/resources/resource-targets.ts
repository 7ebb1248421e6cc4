import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/errors/oauth-error';
import { isServerScope } from '../common/scopes';
import { AppConfig } from '../config/app-config';
import { resourceIdentifierProblem } from './dto/resource-identifier';
import { ResourceRegistry } from './resource-registry';

/** More resources than this in one request is a mistake or an attack, not a use. */
export const MAX_RESOURCES_PER_REQUEST = 10;

/** The `resource` parameter values (RFC 8707 §2: repeatable); each an absolute URI without fragment. */
export function readResourceParameter(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  const values = Array.isArray(value) ? value : [value];
  if (values.length > MAX_RESOURCES_PER_REQUEST) {
    throw new OAuthError('invalid_target', `at most ${MAX_RESOURCES_PER_REQUEST} resource parameters are accepted, got ${values.length}`);
  }
  for (const entry of values) {
    if (typeof entry !== 'string') throw new OAuthError('invalid_target', 'resource must be a string');
    const problem = resourceIdentifierProblem(entry);
    if (problem) throw new OAuthError('invalid_target', `resource ${problem}`);
  }
  return [...new Set(values as string[])];
}

/** The resources stored with a code or family; rows from before resources existed are for ACCESS_TOKEN_AUDIENCE. */
export function grantedResources(stored: string | null | undefined, config: Pick<AppConfig, 'accessTokenAudience'>): string[] {
  const resources = (stored ?? '').split(' ').filter(Boolean);
  return resources.length > 0 ? resources : [config.accessTokenAudience];
}

/**
 * RFC 8707 for this server: which registered resources a grant is for, and which one an
 * access token is for. A resource's scopes go only into tokens for it; the server's own
 * scopes (openid, profile, email, offline_access, admin) go along with any of them.
 */
@Injectable()
export class ResourceTargets {
  constructor(
    private readonly registry: ResourceRegistry,
    private readonly config: AppConfig,
  ) {}

  /**
   * At the authorization endpoint: the requested resources (ACCESS_TOKEN_AUDIENCE when none),
   * each registered. Explicitly requested scopes must belong to them; a defaulted scope (the
   * client's registration) is narrowed to them instead.
   */
  forAuthorization(requested: string[], scopes: string[], scopeWasRequested: boolean): { resources: string[]; scopes: string[] } {
    const resources = requested.length > 0 ? requested : [this.config.accessTokenAudience];
    for (const resource of requested) {
      if (!this.registry.byIdentifier(resource)) throw new OAuthError('invalid_target', `resource ${resource} is not registered`);
    }
    return { resources, scopes: this.within(resources, scopes, scopeWasRequested) };
  }

  /**
   * At the token endpoint: the one resource this access token is for, among those granted.
   * Without `resource` a grant of exactly one resource uses it; a grant of several needs it.
   */
  forToken(granted: string[], requested: string[], scopes: string[], scopeWasRequested: boolean): { audience: string; scopes: string[] } {
    if (requested.length > 1) throw new OAuthError('invalid_target', 'name one resource per token request: each access token is for one audience');
    let audience: string;
    if (requested.length === 1) {
      audience = requested[0];
      if (!granted.includes(audience)) throw new OAuthError('invalid_target', `resource ${audience} was not granted`);
    } else if (granted.length === 1) {
      audience = granted[0];
    } else {
      throw new OAuthError('invalid_target', `this grant is for several resources (${granted.join(' ')}): name one with the resource parameter`);
    }
    return { audience, scopes: this.within([audience], scopes, scopeWasRequested) };
  }

  /** For client credentials: the named resource, or ACCESS_TOKEN_AUDIENCE; it must be registered when named. */
  forClient(requested: string[], scopes: string[], scopeWasRequested: boolean): { audience: string; scopes: string[] } {
    const { resources, scopes: allowed } = this.forAuthorization(requested, scopes, scopeWasRequested);
    if (resources.length > 1) throw new OAuthError('invalid_target', 'name one resource per token request: each access token is for one audience');
    return { audience: resources[0], scopes: allowed };
  }

  /** The access-token lifetime for a resource: its own, or ACCESS_TOKEN_TTL. */
  accessTokenTtlSeconds(audience: string): number {
    return this.registry.byIdentifier(audience)?.accessTokenTtlSeconds ?? this.config.accessTokenTtlSeconds;
  }

  private within(resources: string[], scopes: string[], strict: boolean): string[] {
    const outside = scopes.filter((scope) => !isServerScope(scope) && !resources.includes(this.registry.ownerOf(scope)?.identifier ?? ''));
    if (outside.length > 0 && strict) {
      throw new OAuthError('invalid_target', `scope ${outside.join(' ')} is not a scope of ${resources.join(' ')}`);
    }
    return scopes.filter((scope) => !outside.includes(scope));
  }
}
