import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { addSeconds, Clock } from '../../common/clock';
import { parseScope } from '../../common/scopes';
import { RevocationLogService } from '../../revocation-log/revocation-log.service';
import { AuditTrail } from '../../operations/audit/audit-trail';
import { SecurityEventKind } from '../../operations/audit/security-event.entity';
import { TokenFamiliesRepository } from './token-families.repository';
import { TokenFamily } from './token-family.entity';

/** Where a detected attack came from, for the security event. */
export interface IncidentContext {
  clientId?: string;
  ip?: string;
}

/**
 * Revocation of token families: their refresh tokens stop working at once, and their access
 * tokens are denied (by `sid`) at introspection and, through the revocation log, at every
 * resource server. Other modules call this for sign-outs and deletions.
 */
@Injectable()
export class TokenFamiliesService {
  constructor(
    private readonly families: TokenFamiliesRepository,
    private readonly revocations: RevocationLogService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  /** Revokes one family; true when it was live. */
  async revokeFamily(sid: string, reason: string): Promise<boolean> {
    const revoked = await this.families.revoke(sid, this.clock.now(), reason);
    if (revoked) await this.denyAccessTokens([sid]);
    return revoked;
  }

  /** Revokes every family of a user (sign-out everywhere, user deletion); answers how many. */
  async revokeAllForUser(userId: string, reason: string): Promise<number> {
    const sids = await this.families.revokeAll({ userId }, this.clock.now(), reason);
    await this.denyAccessTokens(sids);
    return sids.length;
  }

  /** Revokes every family of a client (client deletion); answers how many. */
  async revokeAllForClient(clientId: string, reason: string): Promise<number> {
    const sids = await this.families.revokeAll({ clientId }, this.clock.now(), reason);
    await this.denyAccessTokens(sids);
    return sids.length;
  }

  /**
   * A sign-in session ended (logout, expiry, an operator): revokes the families it started
   * without `offline_access`, through the revocation log like any other revocation.
   */
  async revokeAllForSession(sessionId: string, reason: string): Promise<number> {
    const sids = await this.families.revokeOfSession(sessionId, this.clock.now(), reason);
    await this.denyAccessTokens(sids);
    return sids.length;
  }

  /** Revokes a user's live families whose scope holds `scope` (a role taken away); answers how many. */
  async revokeUserFamiliesWithScope(userId: string, scope: string, reason: string): Promise<number> {
    const carrying = (await this.families.liveOfUser(userId)).filter((family) => parseScope(family.scope).includes(scope));
    let revoked = 0;
    for (const family of carrying) if (await this.revokeFamily(family.id, reason)) revoked++;
    return revoked;
  }

  /** The clients that received tokens from a sign-in session. */
  clientsOfSession(sessionId: string): Promise<string[]> {
    return this.families.clientsOfSession(sessionId);
  }

  /**
   * A spent refresh token or a redeemed code came back: revoke the family and record who and
   * from where. Recorded even when the family was already revoked: every attempt is evidence.
   */
  async reportIncident(kind: SecurityEventKind, family: TokenFamily | null, context: IncidentContext): Promise<void> {
    if (family) await this.revokeFamily(family.id, kind);
    // Stored in the audit trail and logged at warn there.
    await this.audit.record({
      kind,
      familyId: family?.id,
      clientId: context.clientId ?? family?.clientId,
      userId: family?.userId,
      ip: context.ip,
      detail: { family_revoked: family !== null },
    });
  }

  private async denyAccessTokens(sids: string[]): Promise<void> {
    // The latest access token of a family expires within one TTL (plus the tolerated skew).
    const until = addSeconds(this.clock.now(), this.config.accessTokenTtlSeconds + this.config.clockSkewSeconds);
    for (const sid of sids) await this.revocations.deny('sid', sid, until);
  }
}
