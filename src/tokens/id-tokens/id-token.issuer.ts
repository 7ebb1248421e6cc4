import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { addSeconds, Clock, epochSeconds } from '../../common/clock';
import { RandomSource } from '../../common/crypto/random';
import { AppConfig } from '../../config/app-config';
import type { User } from '../../users/user.entity';
import { UserClaimsProvider } from '../../users/user-claims-provider';
import { KeyStoreService } from '../signing/key-store.service';

export interface IdTokenRequest {
  readonly user: User;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly authTime?: Date;
  /** The sign-in session's public id. */
  readonly sessionId?: string;
  /** Exactly as the authorization request sent it; only on a code exchange. */
  readonly nonce?: string;
}

/**
 * OIDC Core §2 ID tokens, signed by the active key with `typ: JWT`. They live as long as an
 * access token, so every key that signed one stays in the JWKS until it has expired.
 */
@Injectable()
export class IdTokenIssuer {
  constructor(
    private readonly keys: KeyStoreService,
    private readonly userClaims: UserClaimsProvider,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  async issue(request: IdTokenRequest): Promise<string> {
    const signer = this.keys.activeSigner();
    const now = this.clock.now();
    const extra = await this.userClaims.claimsFor({ user: request.user, scopes: request.scopes, clientId: request.clientId });
    return new SignJWT({
      ...extra,
      ...(request.authTime ? { auth_time: epochSeconds(request.authTime) } : {}),
      ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
      ...(request.sessionId ? { sid: request.sessionId } : {}),
    })
      .setProtectedHeader({ alg: signer.alg, typ: 'JWT', kid: signer.kid })
      .setIssuer(this.config.issuer)
      .setSubject(request.user.id)
      .setAudience(request.clientId)
      .setIssuedAt(epochSeconds(now))
      .setExpirationTime(epochSeconds(addSeconds(now, this.config.accessTokenTtlSeconds)))
      .setJti(this.random.id())
      .sign(signer.privateKey);
  }
}
