import { Injectable } from '@nestjs/common';
import { BackChannelLogout } from '../oidc/back-channel-logout';
import { AuthorizationCodes } from '../tokens/grants/authorization-codes.service';
import { TokenFamiliesService } from '../tokens/refresh-tokens/token-families.service';
import { SessionsRepository } from './sessions.repository';
import type { UserSession } from './user-session.entity';

/**
 * Ending a sign-in session ends what it started (OIDC): its unredeemed codes, the token families
 * granted without `offline_access` (revoked through the revocation log, so every resource server
 * refuses their access tokens), and a logout token to each client that got tokens from it.
 */
@Injectable()
export class SessionEnder {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly codes: AuthorizationCodes,
    private readonly families: TokenFamiliesService,
    private readonly backChannel: BackChannelLogout,
  ) {}

  /** Ends one session; false when another request (or instance) ended it first. */
  async end(session: UserSession, reason: string): Promise<boolean> {
    // The delete decides who ends it, so a logout token goes out once, from one instance.
    if (!(await this.sessions.deleteByHash(session.idHash))) return false;
    if (!session.sid) return true; // a session from before sessions had a public id started nothing we track
    await this.codes.discardUnredeemedOfSession(session.sid);
    await this.families.revokeAllForSession(session.sid, reason);
    this.backChannel.notify({ userId: session.userId, sid: session.sid }, await this.families.clientsOfSession(session.sid));
    return true;
  }

  /** Ends every session of a user, and every unredeemed code of theirs; answers how many sessions. */
  async endAllOf(userId: string, reason: string): Promise<number> {
    let ended = 0;
    for (const session of await this.sessions.findForUser(userId)) if (await this.end(session, reason)) ended++;
    await this.discardCodesOf(userId);
    return ended;
  }

  /** Ends the sessions past their expiry; answers how many. */
  async endExpired(now: Date): Promise<number> {
    let ended = 0;
    for (const session of await this.sessions.findExpired(now)) if (await this.end(session, 'session_expired')) ended++;
    return ended;
  }

  /** A code not yet exchanged never will be. */
  async discardCodesOf(userId: string): Promise<void> {
    await this.codes.discardUnredeemedOfUser(userId);
  }
}
