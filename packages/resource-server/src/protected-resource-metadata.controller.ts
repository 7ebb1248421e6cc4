import { Controller, Get, Header, Inject, NotFoundException, Req } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { PROTECTED_RESOURCE_WELL_KNOWN, protectedResourceMetadataPath, ProtectedResourceMetadata } from './bearer-challenge';
import { REQUIRED_SCOPES } from './scopes';
import { RESOURCE_SERVER_OPTIONS, ResourceServerOptions } from './resource-server.options';

/** An Express request (`path`) or a Fastify request (`url` only): the routes work in either host. */
interface HostRequest {
  path?: string;
  url: string;
}

function pathOf(request: HostRequest): string {
  return typeof request.path === 'string' ? request.path : request.url.split('?')[0];
}

/**
 * RFC 9728 metadata of the host, so a client that knows only the API's URL finds its
 * authorization server. Served at the path derived from the audience (§3.1); the routes take
 * the whole well-known subtree because `forRootAsync` learns the audience only at start.
 */
@Controller()
export class ProtectedResourceMetadataController {
  private document?: ProtectedResourceMetadata;

  constructor(
    @Inject(RESOURCE_SERVER_OPTIONS) private readonly options: ResourceServerOptions,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  @Get(PROTECTED_RESOURCE_WELL_KNOWN)
  @Header('Cache-Control', 'public, max-age=300')
  atRoot(@Req() request: HostRequest): ProtectedResourceMetadata {
    return this.serve(pathOf(request));
  }

  @Get(`${PROTECTED_RESOURCE_WELL_KNOWN}/*path`)
  @Header('Cache-Control', 'public, max-age=300')
  belowRoot(@Req() request: HostRequest): ProtectedResourceMetadata {
    return this.serve(pathOf(request));
  }

  private serve(path: string): ProtectedResourceMetadata {
    if (this.options.serveMetadata === false || path !== protectedResourceMetadataPath(this.options.audience)) {
      throw new NotFoundException();
    }
    this.document ??= {
      resource: this.options.audience,
      authorization_servers: [this.options.issuer],
      scopes_supported: this.options.scopesSupported ?? this.scopesOfRoutes(),
      bearer_methods_supported: ['header'],
      ...(this.options.resourceName ? { resource_name: this.options.resourceName } : {}),
    };
    return this.document;
  }

  /** Every scope a `@RequireScopes` of the host names, on a controller or a handler. */
  private scopesOfRoutes(): string[] {
    const scopes = new Set<string>();
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type) continue;
      const targets = [type, ...Object.getOwnPropertyNames(type.prototype).map((name) => (type.prototype as Record<string, unknown>)[name])];
      for (const target of targets) {
        if (typeof target !== 'function') continue;
        for (const scope of this.reflector.get<string[] | undefined>(REQUIRED_SCOPES, target) ?? []) scopes.add(scope);
      }
    }
    return [...scopes].sort();
  }
}
