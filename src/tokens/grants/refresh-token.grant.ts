import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../../clients/authenticated-client';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { sha256 } from '../../common/crypto/hashing';
import { OAuthError } from '../../common/errors/oauth-error';
import { Metrics } from '../../operations/metrics/metrics';
import { SuccessorDeriver } from '../refresh-tokens/successor-deriver';
import { TokenFamiliesRepository } from '../refresh-tokens/token-families.repository';
import { TokenFamiliesService } from '../refresh-tokens/token-families.service';
import { TokenFamily } from '../refresh-tokens/token-family.entity';
import { GrantContext, GrantHandler, TokenGrantResult } from './grant-handler';
import { narrowScope } from './scopes';
import { TokenParams } from './token-params';

// One message for unknown, foreign, expired, revoked and reused tokens: no oracle.
const BAD_TOKEN = 'the refresh token is invalid, expired or revoked';

/**
 * RFC 6749 §6 with rotation and reuse detection. The successor S of a presented token T is
 * derived (HMAC of T), so the rotation is one compare-and-set on the family row:
 * `current = h(T) → current = h(S), previous = h(T)`. The winner answers S; a repeat of T
 * answers the same S within the grace window, and anything else is reuse: the family dies.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';

  constructor(
    private readonly families: TokenFamiliesRepository,
    private readonly familiesService: TokenFamiliesService,
    private readonly successors: SuccessorDeriver,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async handle(params: TokenParams, client: AuthenticatedClient, context: GrantContext): Promise<TokenGrantResult> {
    const token = params.required('refresh_token');
    const requestedScope = params.optional('scope');
    const now = this.clock.now();
    const tokenHash = sha256(token);

    const family = await this.families.findByTokenHash(tokenHash);
    if (!family) throw new OAuthError('invalid_grant', BAD_TOKEN, 'unknown refresh token');
    if (family.clientId !== client.clientId) {
      // A live token stolen by another client is refused; a spent one also raises the alarm.
      if (family.currentTokenHash !== tokenHash) await this.reuse(family, client, context);
      throw new OAuthError('invalid_grant', BAD_TOKEN, `token of client ${family.clientId} presented by ${client.clientId}`);
    }
    if (family.revokedAt) throw new OAuthError('invalid_grant', BAD_TOKEN, `family ${family.id} revoked`);
    this.assertUnexpired(family, now);
    // RFC 6749 §6: checked before the spend, so a bad scope does not cost the client its token.
    const scopes = narrowScope(family.scope, requestedScope);

    const successor = this.successors.successorOf(token);
    const successorHash = sha256(successor);
    let current = family;
    if (family.currentTokenHash === tokenHash) {
      // The successor's row goes in first: a crash before the UPDATE leaves T live, S unreachable.
      await this.families.addToken(successorHash, family.id, now);
      if (await this.families.rotate(family.id, tokenHash, successorHash, now)) {
        this.metrics.refreshRotated();
        return this.result(family, scopes, successor);
      }
      // Lost a race: see what the winner left.
      current = (await this.families.findById(family.id)) ?? family;
    }
    if (this.withinGrace(current, tokenHash, successorHash, now)) return this.result(current, scopes, successor);
    return this.reuse(current, client, context);
  }

  /**
   * The grace rule: the immediately previous token, within the window after its rotation,
   * whose successor has not been used yet (it is still the live token) and the family is live.
   */
  private withinGrace(family: TokenFamily, tokenHash: string, successorHash: string, now: Date): boolean {
    const grace = this.config.refreshReuseGraceSeconds;
    return (
      grace > 0 &&
      family.revokedAt === null &&
      family.previousTokenHash === tokenHash &&
      family.currentTokenHash === successorHash &&
      family.rotatedAt !== null &&
      now.getTime() - family.rotatedAt.getTime() <= grace * 1000
    );
  }

  private assertUnexpired(family: TokenFamily, now: Date): void {
    if (now.getTime() >= family.expiresAt.getTime()) {
      throw new OAuthError('invalid_grant', BAD_TOKEN, `family ${family.id} past its absolute lifetime`);
    }
    if (now.getTime() >= family.lastUsedAt.getTime() + this.config.refreshTokenIdleTtlSeconds * 1000) {
      throw new OAuthError('invalid_grant', BAD_TOKEN, `family ${family.id} idle too long`);
    }
  }

  private async reuse(family: TokenFamily, client: AuthenticatedClient, context: GrantContext): Promise<never> {
    await this.familiesService.reportIncident('refresh_token_reuse', family, { clientId: client.clientId, ip: context.ip });
    throw new OAuthError('invalid_grant', BAD_TOKEN, `spent refresh token reused; family ${family.id} revoked`);
  }

  private result(family: TokenFamily, scopes: string[], refreshToken: string): TokenGrantResult {
    return { subject: family.userId, scopes, sid: family.id, authTime: family.authTime, refreshToken };
  }
}
