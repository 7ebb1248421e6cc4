import { Injectable } from '@nestjs/common';
import { addSeconds, Clock } from '../../common/clock';
import { sha256 } from '../../common/crypto/hashing';
import { RandomSource } from '../../common/crypto/random';
import { AuthorizationCodesRepository } from './authorization-codes.repository';

/** RFC 9700 §4.2.1 asks for short-lived codes; the contract fixes 60 s. */
export const CODE_TTL_SECONDS = 60;

/** What a code is bound to: everything the authorization endpoint checked. */
export interface CodeGrant {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  resources?: string[];
  codeChallenge: string;
  authTime: Date;
  /** The sign-in session's public `sid`. */
  sessionId: string | null;
  nonce?: string;
}

/**
 * The authorization endpoint's way to the codes the token endpoint redeems: it issues them,
 * and discards the unredeemed ones when a sign-in session ends.
 */
@Injectable()
export class AuthorizationCodes {
  constructor(
    private readonly codes: AuthorizationCodesRepository,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /** A fresh code, stored only as its hash; answers the code. */
  async issue(grant: CodeGrant): Promise<string> {
    const code = this.random.token();
    const now = this.clock.now();
    await this.codes.insert({
      codeHash: sha256(code),
      clientId: grant.clientId,
      userId: grant.userId,
      redirectUri: grant.redirectUri,
      scope: grant.scopes.join(' '),
      resources: grant.resources?.join(' ') ?? null,
      codeChallenge: grant.codeChallenge,
      authTime: grant.authTime,
      sessionId: grant.sessionId,
      nonce: grant.nonce ?? null,
      expiresAt: addSeconds(now, CODE_TTL_SECONDS),
      consumedAt: null,
      familyId: null,
      createdAt: now,
    });
    return code;
  }

  /** A code not yet exchanged from this session never will be. */
  discardUnredeemedOfSession(sid: string): Promise<void> {
    return this.codes.discardUnredeemedOfSession(sid);
  }

  /** A code not yet exchanged by this user never will be. */
  discardUnredeemedOfUser(userId: string): Promise<void> {
    return this.codes.discardUnredeemedOfUser(userId);
  }
}
