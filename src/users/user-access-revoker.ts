import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuthorizationService } from '../authorization/authorization.service';
import { TokenFamiliesService } from '../tokens/refresh-tokens/token-families.service';

/** What ending a user's access took away. */
export interface RevokedAccess {
  /** Token families revoked: their refresh tokens stop at once, their access tokens are denied by `sid`. */
  tokenFamilies: number;
  /** Sign-in sessions ended, so no browser gets a new code without signing in again. */
  signInSessions: number;
}

/** Ends everything a user holds: token families and sign-in sessions (`DELETE /admin/users/:id/sessions`, and user deletion). */
@Injectable()
export class UserAccessRevoker {
  constructor(
    private readonly tokenFamilies: TokenFamiliesService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async revokeAll(userId: string, reason: string): Promise<RevokedAccess> {
    const tokenFamilies = await this.tokenFamilies.revokeAllForUser(userId, reason);
    // Looked up at call time: the authorization module imports this one (it checks passwords).
    const signInSessions = await this.moduleRef.get(AuthorizationService, { strict: false }).endSessionsOf(userId);
    return { tokenFamilies, signInSessions };
  }
}
