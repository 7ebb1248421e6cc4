import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { OAuthErrorFilter } from '../common/errors/oauth-error.filter';
import { ScopesGuard } from '../resource/scopes';
import { AuthorizationServerClient } from './authorization-server.client';
import { RemoteAccessTokenVerifier } from './remote-access-token.verifier';
import { RemoteRevocationFeed } from './remote-revocation-feed';
import { RemoteJwtStrategy, ResourceServerGuard } from './resource-server.guard';
import { RevocationFeedHealthIndicator } from './resource-server.health';
import { RESOURCE_SERVER_OPTIONS, ResourceServerOptions } from './resource-server.options';

/**
 * Lets another NestJS service accept this authorization server's access tokens: import
 * `ResourceServerModule.forRoot({ issuer, audience, clientId, clientSecret })`, then guard
 * routes with `@UseGuards(ResourceServerGuard, ScopesGuard)` and `@RequireScopes(...)`.
 */
@Module({})
export class ResourceServerModule {
  static forRoot(options: ResourceServerOptions): DynamicModule {
    const issuer = options.issuer.replace(/\/+$/, '');
    return {
      module: ResourceServerModule,
      // Guards are built in the module of the controller that uses them: their dependencies must be visible there.
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: RESOURCE_SERVER_OPTIONS, useValue: { ...options, issuer } },
        AuthorizationServerClient,
        RemoteRevocationFeed,
        RemoteAccessTokenVerifier,
        RemoteJwtStrategy,
        ResourceServerGuard,
        ScopesGuard,
        RevocationFeedHealthIndicator,
        // RFC 6750 answers (401/403 with WWW-Authenticate) for the guards' OAuthErrors.
        { provide: APP_FILTER, useClass: OAuthErrorFilter },
      ],
      exports: [ResourceServerGuard, RemoteJwtStrategy, ScopesGuard, RemoteAccessTokenVerifier, RemoteRevocationFeed, RevocationFeedHealthIndicator],
    };
  }
}
