import { Controller, Get, Header } from '@nestjs/common';
import type { JWK } from 'jose';
import { AppConfig } from '../../config/app-config';
import { KeyStoreService } from '../signing/key-store.service';
import { AuthorizationServerMetadata, buildMetadata, buildOpenIdMetadata, OpenIdProviderMetadata } from './metadata';

/** RFC 8414 metadata at both well-known paths, and the JWKS (RFC 7517). */
@Controller()
export class DiscoveryController {
  // Built once: the document depends only on the configuration.
  private readonly metadata: AuthorizationServerMetadata;
  private readonly openIdMetadata: OpenIdProviderMetadata;

  constructor(
    config: AppConfig,
    private readonly keys: KeyStoreService,
  ) {
    this.metadata = buildMetadata(config.issuer);
    this.openIdMetadata = buildOpenIdMetadata(config.issuer, config.signingAlg);
  }

  @Get('.well-known/oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=3600')
  oauthMetadata(): AuthorizationServerMetadata {
    return this.metadata;
  }

  @Get('.well-known/openid-configuration')
  @Header('Cache-Control', 'public, max-age=3600')
  openidMetadata(): OpenIdProviderMetadata {
    return this.openIdMetadata;
  }

  /** Public keys only. Short caching: a verifier that meets an unknown kid refetches anyway. */
  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): { keys: JWK[] } {
    return this.keys.jwks();
  }
}
