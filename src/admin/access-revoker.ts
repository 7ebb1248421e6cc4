import { Injectable } from '@nestjs/common';
import { SessionEnder } from '../authorization/session-ender';
import { addSeconds, Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { RevocationLogService } from '../revocation-log/revocation-log.service';
import { TokenFamiliesService } from '../tokens/refresh-tokens/token-families.service';

/**
 * How long past the longest access token a deleted client's denial lasts: another instance may
 * still authenticate the client from its cache (5 s at most) and issue a token in that time.
 */
const DELETED_CLIENT_MARGIN_SECONDS = 60;

/** What ending a user's access took away. */
export interface RevokedUserAccess {
  /** Token families revoked: their refresh tokens stop at once, their access tokens are denied by `sid`. */
  tokenFamilies: number;
  /** Sign-in sessions ended, so no browser gets a new code without signing in again. */
  signInSessions: number;
}

/**
 * Ends everything a user or a client holds, for the admin API: token families, sign-in
 * sessions, and, by a `sub` denial, access tokens that no family stands behind (a code
 * exchange without a refresh token, a client-credentials token).
 */
@Injectable()
export class AccessRevoker {
  constructor(
    private readonly families: TokenFamiliesService,
    private readonly sessions: SessionEnder,
    private readonly revocations: RevocationLogService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async revokeUser(userId: string, reason: string): Promise<RevokedUserAccess> {
    const tokenFamilies = await this.families.revokeAllForUser(userId, reason);
    const signInSessions = await this.sessions.endAllOf(userId, reason);
    await this.denySubject(userId);
    return { tokenFamilies, signInSessions };
  }

  /**
   * Revokes the user's grants that carry `scope`, and their unredeemed codes (which might carry
   * it): for a role taken away. Answers how many families were revoked.
   */
  async revokeScopeOfUser(userId: string, scope: string, reason: string): Promise<number> {
    const families = await this.families.revokeUserFamiliesWithScope(userId, scope, reason);
    await this.sessions.discardCodesOf(userId);
    return families;
  }

  /**
   * For a client being deleted: revokes its families and denies every access token carrying
   * its `client_id`, whenever issued (client ids are never reused, so nothing legitimate can
   * match later), until the last token any instance could still issue to it has expired.
   * Answers how many token families were revoked.
   */
  async revokeClient(clientId: string, reason: string): Promise<number> {
    const tokenFamilies = await this.families.revokeAllForClient(clientId, reason);
    const { accessTokenTtlSeconds, clockSkewSeconds } = this.config;
    const until = addSeconds(this.clock.now(), accessTokenTtlSeconds + clockSkewSeconds + DELETED_CLIENT_MARGIN_SECONDS);
    await this.revocations.deny('client', clientId, until);
    return tokenFamilies;
  }

  private async denySubject(sub: string): Promise<void> {
    // Refuses the tokens issued until now; the last of them expires within one TTL plus skew.
    const until = addSeconds(this.clock.now(), this.config.accessTokenTtlSeconds + this.config.clockSkewSeconds);
    await this.revocations.deny('sub', sub, until);
  }
}
