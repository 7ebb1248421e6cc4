import { Injectable } from '@nestjs/common';
import { AccessTokenClaims, BearerTokenError, BearerTokenVerifier, verifyAccessToken } from '@nest-oauth/resource-server';
import type { JWTVerifyGetKey } from 'jose';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { DenyListService } from '../revocation-log/deny-list.service';
import { KeyStoreService } from '../tokens/signing/key-store.service';

/**
 * Verifies an access token for this server's own resource API locally: the package's RFC 9068
 * checks with keys from the key store and `aud` = ACCESS_TOKEN_AUDIENCE, then the in-memory
 * deny set. No database query on the way. Throws `BearerTokenError` as every verifier does.
 */
@Injectable()
export class AccessTokenVerifier implements BearerTokenVerifier {
  private readonly getKey: JWTVerifyGetKey;

  constructor(
    private readonly keys: KeyStoreService,
    private readonly denyList: DenyListService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.getKey = async (header) => {
      // A cached key answers at once; an unknown kid reloads the store, rate limited there.
      const key = header.kid ? (this.keys.cachedVerificationKey(header.kid) ?? (await this.keys.verificationKey(header.kid))) : undefined;
      if (!key) throw new BearerTokenError('invalid_token', 'access token is invalid', `unknown kid ${String(header.kid)}`);
      if (key.alg !== header.alg) {
        throw new BearerTokenError('invalid_token', 'access token is invalid', `alg ${header.alg} does not match key ${key.kid}`);
      }
      return key.publicKey;
    };
  }

  /** The token's claims, or `BearerTokenError('invalid_token')` saying which check failed in its detail. */
  verify(token: string): Promise<AccessTokenClaims> {
    return this.verifyFor(token, this.config.accessTokenAudience);
  }

  /** `verify` for an endpoint of this server itself (UserInfo): a token of ours for any audience will do. */
  verifyForAnyAudience(token: string): Promise<AccessTokenClaims> {
    return this.verifyFor(token, null);
  }

  private async verifyFor(token: string, audience: string | null): Promise<AccessTokenClaims> {
    const payload = await verifyAccessToken(token, this.getKey, {
      issuer: this.config.issuer,
      audience,
      clockSkewSeconds: this.config.clockSkewSeconds,
      now: this.clock.now(),
    });
    const denial = this.denyList.match(payload);
    if (denial) {
      throw new BearerTokenError('invalid_token', 'access token has been revoked', `denied by ${denial.kind} ${denial.value}`);
    }
    return payload;
  }
}
