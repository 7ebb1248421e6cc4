import { Injectable } from '@nestjs/common';
import { addSeconds, Clock } from '../../common/clock';
import { RandomSource } from '../../common/crypto/random';
import { AppConfig } from '../../config/app-config';
import type { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import type { BrowserContext } from '../outcome';
import { SessionEnder } from '../session-ender';
import { SessionsRepository } from '../sessions.repository';
import type { UserSession } from '../user-session.entity';

export interface SignedIn {
  session: UserSession;
  user: User;
}

/** The new session's cookie value, answered once: only its hash is stored. */
export interface SessionCookie {
  id: string;
  expiresAt: Date;
}

/** A browser's sign-in session, found by its cookie. */
@Injectable()
export class BrowserSessions {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly users: UsersService,
    private readonly sessionEnder: SessionEnder,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly config: AppConfig,
  ) {}

  /** The live session of this browser and its user, or null. */
  async signedIn(browser: BrowserContext): Promise<SignedIn | null> {
    if (!browser.sessionId) return null;
    const session = await this.sessions.findLive(browser.sessionId, this.clock.now());
    const user = session && (await this.users.findById(session.userId));
    return session && user ? { session, user } : null;
  }

  /**
   * Signs `user` in in this browser. A new session id at every sign-in (no session fixation).
   * The same user signing in again keeps the session's public id, and with it the tokens it
   * started; anyone else ends it.
   */
  async start(browser: BrowserContext, user: User, now: Date): Promise<{ signedIn: SignedIn; cookie: SessionCookie }> {
    const previous = browser.sessionId ? await this.sessions.find(browser.sessionId) : null;
    let sid = this.random.id();
    if (previous && previous.userId === user.id && previous.sid && previous.expiresAt.getTime() > now.getTime()) {
      sid = previous.sid;
      await this.sessions.deleteByHash(previous.idHash);
    } else if (previous) {
      await this.sessionEnder.end(previous, 'signed_in_as_another_user');
    }
    const sessionId = this.random.token();
    const expiresAt = addSeconds(now, this.config.sessionTtlSeconds);
    const session = await this.sessions.create(sessionId, sid, user.id, now, expiresAt);
    return { signedIn: { session, user }, cookie: { id: sessionId, expiresAt } };
  }
}
