import { Injectable } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { DEFAULT_ACCESS_TOKEN_ALGORITHMS } from '@nest-oauth/resource-server';
import { KeyStoreService } from '../signing/key-store.service';

/** What a valid `id_token_hint` says about who is signing out of which client. */
export interface IdTokenHint {
  sub: string;
  /** The client: the hint's `aud`. */
  clientId: string;
  /** The sign-in session, when the ID token named one. */
  sid?: string;
}

/**
 * Reads an `id_token_hint` (RP-Initiated Logout 1.0 §2): an ID token of ours, with its
 * signature checked against our keys and its issuer ours. An expired one is accepted: a user
 * often signs out long after the ID token expired. Null for anything else.
 */
@Injectable()
export class IdTokenHintReader {
  constructor(
    private readonly keys: KeyStoreService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async read(token: string): Promise<IdTokenHint | null> {
    try {
      const { kid } = decodeProtectedHeader(token);
      const key = kid ? await this.keys.verificationKey(kid) : undefined;
      if (!key) return null;
      const { payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [key.alg].filter((alg) => DEFAULT_ACCESS_TOKEN_ALGORITHMS.includes(alg)),
        typ: 'JWT',
        issuer: this.config.issuer,
        currentDate: this.checkedAt(token),
      });
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (typeof payload.sub !== 'string' || aud.length !== 1 || typeof aud[0] !== 'string') return null;
      return { sub: payload.sub, clientId: aud[0], sid: typeof payload.sid === 'string' ? payload.sid : undefined };
    } catch {
      return null; // malformed, not ours, or forged
    }
  }

  /** Expiry does not matter for a hint: verify as of just before its `exp` when that has passed. */
  private checkedAt(token: string): Date {
    const { exp } = decodeJwt(token);
    const now = this.clock.now();
    return typeof exp === 'number' && exp * 1000 <= now.getTime() ? new Date(exp * 1000 - 1000) : now;
  }
}

