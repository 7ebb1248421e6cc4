import { Controller, Get, Header } from '@nestjs/common';
import type { ProtectedResourceMetadata } from '@nest-oauth/resource-server';
import { AppConfig } from '../config/app-config';
import { ResourceRegistry } from '../resources/resource-registry';
import { API_METADATA_PATH } from './protected-resource-metadata';

/** RFC 9728 for `/api`: what a client that knows only the API's URL needs to find this server. */
@Controller()
export class ProtectedResourceMetadataController {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: ResourceRegistry,
  ) {}

  @Get(API_METADATA_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  metadata(): ProtectedResourceMetadata {
    const registered = this.registry.byIdentifier(this.config.accessTokenAudience);
    return {
      resource: this.config.accessTokenAudience,
      authorization_servers: [this.config.issuer],
      scopes_supported: registered?.scopes.map((scope) => scope.name) ?? [],
      bearer_methods_supported: ['header'],
      ...(registered ? { resource_name: registered.name } : {}),
    };
  }
}
