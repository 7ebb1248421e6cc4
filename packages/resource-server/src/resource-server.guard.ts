import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims } from './access-token-claims';
import { protectedResourceMetadataUrl } from './bearer-challenge';
import { BearerTokenError } from './bearer-token.error';
import { BearerGuardSettings, BearerTokenGuard, checkRequiredScopes, refusal } from './bearer-token.guard';
import { RemoteAccessTokenVerifier } from './remote-access-token.verifier';
import { RESOURCE_SERVER_OPTIONS, ResourceServerOptions } from './resource-server.options';

export function guardSettings(options: ResourceServerOptions): BearerGuardSettings {
  return {
    realm: options.realm ?? 'api',
    resourceMetadataUrl: options.serveMetadata === false ? undefined : protectedResourceMetadataUrl(options.audience),
    requestProperty: options.requestProperty,
  };
}

/**
 * Protects a route with the authorization server's access tokens for this audience, and
 * checks its `@RequireScopes`: `@UseGuards(ResourceServerGuard)`.
 */
@Injectable()
export class ResourceServerGuard extends BearerTokenGuard {
  constructor(verifier: RemoteAccessTokenVerifier, reflector: Reflector, @Inject(RESOURCE_SERVER_OPTIONS) options: ResourceServerOptions) {
    super(verifier, reflector, guardSettings(options));
  }
}

/**
 * Checks `@RequireScopes` against claims another guard put on the request (a host's own
 * passport strategy over `RemoteAccessTokenVerifier`, say): `@UseGuards(HostGuard, ScopesGuard)`.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  private readonly settings: BearerGuardSettings;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RESOURCE_SERVER_OPTIONS) options: ResourceServerOptions,
  ) {
    this.settings = guardSettings(options);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Record<string, unknown>>();
    try {
      checkRequiredScopes(this.reflector, context, request[this.settings.requestProperty ?? 'user'] as AccessTokenClaims | undefined);
      return true;
    } catch (error) {
      if (error instanceof BearerTokenError) throw refusal(error, true, context.switchToHttp().getResponse(), this.settings);
      throw error;
    }
  }
}
