import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { JWK } from 'jose';
import { AppConfig } from '../../config/app-config';
import { ResourceRegistry } from '../../resources/resource-registry';
import { GRANT_HANDLERS, GrantHandler, supportedGrantTypes } from '../grants/grant-handler';
import { KeyStoreService } from '../signing/key-store.service';
import { AuthorizationServerMetadata, buildMetadata, buildOpenIdMetadata, clientRegistrationMetadata, OpenIdProviderMetadata } from './metadata';

/** RFC 8414 metadata at both well-known paths, and the JWKS (RFC 7517). */
@Controller()
export class DiscoveryController {
  // Built once from the configuration; only scopes_supported follows the resource registry.
  private readonly metadata: AuthorizationServerMetadata;
  private readonly openIdMetadata: OpenIdProviderMetadata;

  constructor(
    config: AppConfig,
    private readonly keys: KeyStoreService,
    private readonly registry: ResourceRegistry,
    @Inject(GRANT_HANDLERS) handlers: ReadonlyMap<string, GrantHandler>,
  ) {
    const grantTypes = supportedGrantTypes(handlers);
    const registration = clientRegistrationMetadata(config.issuer, {
      clientIdMetadataDocuments: config.clientIdMetadata.enabled,
      dynamicRegistration: config.dynamicRegistration !== 'off',
    });
    this.metadata = { ...buildMetadata(config.issuer, grantTypes), ...registration };
    this.openIdMetadata = { ...buildOpenIdMetadata(config.issuer, config.signingAlg, grantTypes), ...registration };
  }

  @Get('.well-known/oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=3600')
  oauthMetadata(): AuthorizationServerMetadata {
    return this.withScopes();
  }

  @Get('.well-known/openid-configuration')
  @Header('Cache-Control', 'public, max-age=3600')
  openidMetadata(): OpenIdProviderMetadata {
    return { ...this.openIdMetadata, scopes_supported: this.registry.scopesSupported() };
  }

  /** The server's own scopes and every registered resource's, from this instance's current registry. */
  private withScopes(): AuthorizationServerMetadata {
    return { ...this.metadata, scopes_supported: this.registry.scopesSupported() };
  }

  /** Public keys only. Short caching: a verifier that meets an unknown kid refetches anyway. */
  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): { keys: JWK[] } {
    return this.keys.jwks();
  }
}
