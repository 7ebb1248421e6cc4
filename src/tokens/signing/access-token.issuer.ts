import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { AppConfig } from '../../config/app-config';
import { addSeconds, Clock, epochSeconds } from '../../common/clock';
import { RandomSource } from '../../common/crypto/random';
import { ResourceTargets } from '../../resources/resource-targets';
import { ClaimsContext, ClaimsProvider } from './claims-provider';
import { KeyStoreService } from './key-store.service';

export interface AccessTokenRequest extends ClaimsContext {
  readonly authTime?: Date;
  /** RFC 8707: the resource's identifier; ACCESS_TOKEN_AUDIENCE when none is named. */
  readonly audience?: string;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly expiresInSeconds: number;
  readonly jti: string;
}

/** Signs RFC 9068 JWT access tokens with the active key. Nothing is stored per token. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: KeyStoreService,
    private readonly claims: ClaimsProvider,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly targets: ResourceTargets,
  ) {}

  async issue(request: AccessTokenRequest): Promise<IssuedAccessToken> {
    const signer = this.keys.activeSigner();
    const now = this.clock.now();
    const audience = request.audience ?? this.config.accessTokenAudience;
    // A resource's own lifetime overrides ACCESS_TOKEN_TTL for its tokens.
    const ttl = this.targets.accessTokenTtlSeconds(audience);
    const jti = this.random.id();
    const extra = await this.claims.claimsFor(request);
    const token = await new SignJWT({
      ...extra,
      client_id: request.client.clientId,
      scope: request.scopes.join(' '),
      ...(request.authTime ? { auth_time: epochSeconds(request.authTime) } : {}),
      ...(request.sid ? { sid: request.sid } : {}),
    })
      .setProtectedHeader({ alg: signer.alg, typ: 'at+jwt', kid: signer.kid })
      .setIssuer(this.config.issuer)
      .setSubject(request.subject)
      .setAudience(audience)
      .setIssuedAt(epochSeconds(now))
      .setNotBefore(epochSeconds(now))
      .setExpirationTime(epochSeconds(addSeconds(now, ttl)))
      .setJti(jti)
      .sign(signer.privateKey);
    return { token, expiresInSeconds: ttl, jti };
  }
}
