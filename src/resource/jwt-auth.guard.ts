import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenClaims, BearerTokenGuard } from '@nest-oauth/resource-server';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { AccessTokenVerifier } from './access-token-verifier';
import { apiMetadataUrl } from './protected-resource-metadata';

/** The request after a bearer guard let it through. */
export interface AuthenticatedRequest extends Request {
  user: AccessTokenClaims;
}

/**
 * Accepts this server's own access tokens for its resource API and checks `@RequireScopes`:
 * the package's guard over the local verifier, so `/api` answers exactly as any resource
 * server built on the package does. `@UseGuards(JwtAuthGuard)`.
 */
@Injectable()
export class JwtAuthGuard extends BearerTokenGuard {
  constructor(verifier: AccessTokenVerifier, reflector: Reflector, config: AppConfig) {
    super(verifier, reflector, { realm: 'api', resourceMetadataUrl: apiMetadataUrl(config) });
  }
}
