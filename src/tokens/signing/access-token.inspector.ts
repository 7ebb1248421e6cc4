import { Injectable } from '@nestjs/common';
import { JWTVerifyGetKey } from 'jose';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { AccessTokenClaims, BearerTokenError, verifyAccessToken } from '@nest-oauth/resource-server';
import { ResourceRegistry } from '../../resources/resource-registry';
import { KeyStoreService } from './key-store.service';

/**
 * Reads access tokens this server issued, for introspection and revocation: the same checks
 * as a resource server (signature by a known kid, `typ`, issuer, audience, lifetime), but
 * answering undefined instead of throwing, and able to read an expired token.
 */
@Injectable()
export class AccessTokenInspector {
  private readonly getKey: JWTVerifyGetKey = async (header) => {
    const key = header.kid ? await this.keys.verificationKey(header.kid) : undefined;
    if (!key || key.alg !== header.alg) throw new BearerTokenError('invalid_token', 'unknown signing key');
    return key.publicKey;
  };

  constructor(
    private readonly keys: KeyStoreService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly registry: ResourceRegistry,
  ) {}

  /**
   * The claims, or undefined for anything that is not a valid token of ours. With
   * `allowExpired`, an expired but authentic token still answers (revocation needs its claims).
   */
  async inspect(token: string, options: { allowExpired?: boolean } = {}): Promise<AccessTokenClaims | undefined> {
    if (token.split('.').length !== 3) return undefined;
    try {
      return await verifyAccessToken(token, this.getKey, {
        issuer: this.config.issuer,
        // RFC 8707: a token for any registered resource is ours to introspect.
        audience: [this.config.accessTokenAudience, ...this.registry.all().map((resource) => resource.identifier)],
        // Revoking an expired token has nothing left to do, but must still see whose it was.
        clockSkewSeconds: options.allowExpired ? Number.MAX_SAFE_INTEGER : this.config.clockSkewSeconds,
        now: this.clock.now(),
      });
    } catch (error) {
      if (error instanceof BearerTokenError) return undefined;
      throw error;
    }
  }
}
