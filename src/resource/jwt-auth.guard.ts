import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AccessTokenClaims,
  BearerGuardSettings,
  BearerTokenError,
  checkRequiredScopes,
  presentsBearerToken,
  refusal,
} from '@nest-oauth/resource-server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ACCESS_TOKEN_STRATEGY, AccessTokenStrategy } from './access-token.strategy';
import { apiMetadataUrl } from './protected-resource-metadata';

/** The request after a bearer guard let it through. */
export interface AuthenticatedRequest extends FastifyRequest {
  user: AccessTokenClaims;
}

/**
 * Accepts this server's own access tokens for its resource API and checks `@RequireScopes`:
 * `@UseGuards(JwtAuthGuard)`. What `AuthGuard('jwt')` does, run on `AccessTokenStrategy`'s own
 * passport instead of the process-wide one; refusals are answered as the resource-server
 * package answers them (401 with the RFC 6750 challenge naming the RFC 9728 metadata, 403
 * `insufficient_scope`), so `/api` and a service built on the package speak alike.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly settings: BearerGuardSettings;

  constructor(
    private readonly strategy: AccessTokenStrategy,
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    this.settings = { realm: 'api', resourceMetadataUrl: apiMetadataUrl(config) };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<FastifyReply>();
    try {
      request.user = await this.authenticate(request, response);
      checkRequiredScopes(this.reflector, context, request.user);
      return true;
    } catch (error) {
      if (!(error instanceof BearerTokenError)) throw error;
      throw refusal(error, presentsBearerToken(request.headers.authorization), response, this.settings);
    }
  }

  /** Runs the strategy through passport; the strategy fails only with a `BearerTokenError`. */
  private authenticate(request: FastifyRequest, response: FastifyReply): Promise<AccessTokenClaims> {
    return new Promise((resolve, reject) => {
      const middleware = this.strategy
        .getPassportInstance()
        .authenticate(ACCESS_TOKEN_STRATEGY, { session: false }, (error: unknown, claims: AccessTokenClaims | false, refused: unknown) => {
          if (error) reject(error);
          else if (claims) resolve(claims);
          else reject(refused);
        });
      middleware(request, response, reject);
    });
  }
}
