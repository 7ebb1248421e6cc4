import { DynamicModule, Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuthorizationServerClient } from './authorization-server.client';
import { ProtectedResourceMetadataController } from './protected-resource-metadata.controller';
import { RemoteAccessTokenVerifier } from './remote-access-token.verifier';
import { RemoteRevocationFeed } from './remote-revocation-feed';
import { ResourceServerGuard, ScopesGuard } from './resource-server.guard';
import { normalizeOptions, RESOURCE_SERVER_OPTIONS, ResourceServerAsyncOptions, ResourceServerOptions } from './resource-server.options';

const PROVIDERS: Provider[] = [AuthorizationServerClient, RemoteRevocationFeed, RemoteAccessTokenVerifier, ResourceServerGuard, ScopesGuard];
const EXPORTS = [RESOURCE_SERVER_OPTIONS, AuthorizationServerClient, RemoteRevocationFeed, RemoteAccessTokenVerifier, ResourceServerGuard, ScopesGuard];

/**
 * Lets a NestJS service accept the authorization server's access tokens: import
 * `ResourceServerModule.forRoot({ issuer, audience, clientId, clientSecret })` in the module
 * whose controllers use `@UseGuards(ResourceServerGuard)` and `@RequireScopes(...)`. It adds
 * nothing global to the host: no filters, interceptors or pipes, and `isGlobal` only when asked.
 */
@Module({})
export class ResourceServerModule {
  static forRoot(options: ResourceServerOptions & { isGlobal?: boolean }): DynamicModule {
    const { isGlobal, ...rest } = options;
    return this.assemble([{ provide: RESOURCE_SERVER_OPTIONS, useValue: normalizeOptions(rest) }], [], isGlobal);
  }

  static forRootAsync(options: ResourceServerAsyncOptions): DynamicModule {
    const provider: Provider = {
      provide: RESOURCE_SERVER_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) => normalizeOptions(await options.useFactory(...args)),
    };
    return this.assemble([provider], options.imports ?? [], options.isGlobal);
  }

  private static assemble(options: Provider[], imports: DynamicModule['imports'] & object, isGlobal = false): DynamicModule {
    return {
      module: ResourceServerModule,
      global: isGlobal,
      imports: [...imports, DiscoveryModule],
      controllers: [ProtectedResourceMetadataController],
      providers: [...options, ...PROVIDERS],
      exports: EXPORTS,
    };
  }
}
