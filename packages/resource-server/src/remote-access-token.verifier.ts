import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { errors, JWTVerifyGetKey } from 'jose';
import type { AccessTokenClaims, BearerTokenVerifier } from './access-token-claims';
import { AuthorizationServerClient } from './authorization-server.client';
import { BearerTokenError } from './bearer-token.error';
import { RemoteRevocationFeed } from './remote-revocation-feed';
import { RESOURCE_SERVER_OPTIONS, ResourceServerOptions } from './resource-server.options';
import { verifyAccessToken } from './verify-access-token';

/**
 * The authorization server's access tokens, checked here: the same JWT checks as the server
 * makes (keys from its JWKS), then the denials learned from its feed. While the feed is cut
 * off, each token is also introspected, or refused, as configured.
 */
@Injectable()
export class RemoteAccessTokenVerifier implements BearerTokenVerifier {
  constructor(
    @Inject(RESOURCE_SERVER_OPTIONS) private readonly options: ResourceServerOptions,
    private readonly server: AuthorizationServerClient,
    private readonly feed: RemoteRevocationFeed,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims> {
    const claims = await verifyAccessToken(token, (header, jws) => this.key(header, jws), {
      issuer: this.options.issuer,
      audience: this.options.audience,
      algorithms: this.options.algorithms,
      clockSkewSeconds: this.options.clockSkewSeconds ?? 5,
      now: new Date(),
    });
    const denial = this.feed.match(claims);
    if (denial) throw new BearerTokenError('invalid_token', 'access token has been revoked', `denied by ${denial.kind} ${denial.value}`);
    if (this.feed.isLive) return claims;
    // Cut off from the feed, a revocation could have been missed: ask, or refuse.
    if (this.options.onFeedLoss === 'refuse') {
      throw new ServiceUnavailableException('revocation status is unknown while the revocation feed is cut off');
    }
    if (!(await this.server.isActive(token))) {
      throw new BearerTokenError('invalid_token', 'access token is not active', 'introspection: active false');
    }
    return claims;
  }

  /**
   * The JWKS key for the token. A token naming no published key is a bad token (401); a key
   * server that cannot be reached or answers nonsense says nothing about the token (503).
   */
  private async key(...args: Parameters<JWTVerifyGetKey>): Promise<Awaited<ReturnType<JWTVerifyGetKey>>> {
    try {
      return await (await this.server.keys())(...args);
    } catch (error) {
      if (TOKEN_KEY_ERRORS.some((type) => error instanceof type)) throw error;
      throw new ServiceUnavailableException('the authorization server keys cannot be fetched', { cause: error });
    }
  }
}

const TOKEN_KEY_ERRORS = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported, errors.JOSEAlgNotAllowed];
