import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../../clients/authenticated-client';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { OAuthError } from '../../common/errors/oauth-error';
import { Metrics } from '../../operations/metrics/metrics';
import { liveGeneration, RefreshTokenIssuer } from '../refresh-tokens/refresh-token.issuer';
import { TokenFamiliesRepository } from '../refresh-tokens/token-families.repository';
import { TokenFamiliesService } from '../refresh-tokens/token-families.service';
import { TokenFamily } from '../refresh-tokens/token-family.entity';
import { grantedResources, ResourceTargets } from '../../resources/resource-targets';
import { GrantContext, GrantHandler, TokenGrantResult } from './grant-handler';
import { narrowScope } from '../../common/scopes';
import { TokenParams } from './token-params';

// One message for unknown, foreign, expired, revoked and reused tokens: no oracle.
const BAD_TOKEN = 'the refresh token is invalid, expired or revoked';

/**
 * RFC 6749 §6 with rotation and reuse detection. A refresh token proves its family and
 * generation (RefreshTokenIssuer), so the rotation is one read of the family row by primary
 * key and one compare-and-set on it: `generation = g → g + 1`; for a family this instance has
 * read before, the compare-and-set alone (KnownFamilies). The winner answers the token of
 * g + 1; a repeat of g answers that same token within the grace window, and any other earlier
 * generation is reuse: the family dies. A token that proves nothing is unknown, and changes nothing.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';

  constructor(
    private readonly families: TokenFamiliesRepository,
    private readonly familiesService: TokenFamiliesService,
    private readonly tokens: RefreshTokenIssuer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly targets: ResourceTargets,
    private readonly metrics: Metrics,
  ) {}

  async handle(params: TokenParams, client: AuthenticatedClient, context: GrantContext): Promise<TokenGrantResult> {
    const token = params.required('refresh_token');
    const requestedScope = params.optional('scope');
    const now = this.clock.now();

    const rotated = await this.rotateKnown(token, params, requestedScope, client, now);
    if (rotated) return rotated;

    const presented = await this.tokens.recognise(token);
    if (!presented) throw new OAuthError('invalid_grant', BAD_TOKEN, 'unknown refresh token');
    const { family, generation } = presented;
    const isLive = generation === liveGeneration(family);
    if (family.clientId !== client.clientId) {
      // A live token stolen by another client is refused; a spent one also raises the alarm.
      if (!isLive) await this.reuse(family, client, context);
      throw new OAuthError('invalid_grant', BAD_TOKEN, `token of client ${family.clientId} presented by ${client.clientId}`);
    }
    if (family.revokedAt) throw new OAuthError('invalid_grant', BAD_TOKEN, `family ${family.id} revoked`);
    const expired = this.expiry(family, now);
    if (expired) throw new OAuthError('invalid_grant', BAD_TOKEN, `family ${family.id} ${expired}`);
    const target = this.target(family, params, requestedScope);

    let current = family;
    if (isLive) {
      const successor = await this.tokens.rotate(presented, now);
      if (successor) {
        this.metrics.refreshRotated();
        return this.result(family, target, successor);
      }
      // Lost a race: see what the winner left.
      current = (await this.families.findById(family.id)) ?? family;
    }
    if (this.withinGrace(current, generation, now)) {
      const successor = await this.tokens.liveToken(current, token);
      if (successor) return this.result(current, target, successor);
    }
    return this.reuse(current, client, context);
  }

  /**
   * The grace rule: the immediately previous generation, within the window after its rotation,
   * whose successor has not been used yet (it is still the live one) and the family is live.
   */
  private withinGrace(family: TokenFamily, generation: number, now: Date): boolean {
    const grace = this.config.refreshReuseGraceSeconds;
    return (
      grace > 0 &&
      family.revokedAt === null &&
      generation + 1 === liveGeneration(family) &&
      family.rotatedAt !== null &&
      now.getTime() - family.rotatedAt.getTime() <= grace * 1000
    );
  }

  /**
   * The common case without reading the family's row: a family this instance has read before,
   * presented by its own client, well within its lifetimes (the idle one counted from the last
   * use seen here, which the real one can only be later than), for a scope it may have. The
   * compare-and-set then alone decides whether the token was live. Anything else, a lost
   * compare-and-set included, is left to the full path, which reads the row and says why.
   */
  private async rotateKnown(
    token: string,
    params: TokenParams,
    requestedScope: string | undefined,
    client: AuthenticatedClient,
    now: Date,
  ): Promise<TokenGrantResult | undefined> {
    const presented = this.tokens.recogniseKnown(token);
    if (!presented || presented.family.clientId !== client.clientId || this.expiry(presented.family, now)) return undefined;
    let target: ReturnType<RefreshTokenGrant['target']>;
    try {
      target = this.target(presented.family, params, requestedScope);
    } catch (error) {
      if (error instanceof OAuthError) return undefined;
      throw error;
    }
    const successor = await this.tokens.rotate(presented, now);
    if (!successor) return undefined;
    this.metrics.refreshRotated();
    return this.result(presented.family, target, successor);
  }

  /**
   * RFC 6749 §6: checked before the spend, so a bad scope does not cost the client its token.
   * RFC 8707: a token for one of the granted resources, with that resource's part of the scope.
   */
  private target(family: TokenFamily, params: TokenParams, requestedScope: string | undefined): { scopes: string[]; audience: string } {
    return this.targets.forToken(grantedResources(family.resources, this.config), params.resources(), narrowScope(family.scope, requestedScope), requestedScope !== undefined);
  }

  /** Why the family has ended by its lifetimes, or undefined while it lives. */
  private expiry(family: TokenFamily, now: Date): string | undefined {
    if (now.getTime() >= family.expiresAt.getTime()) return 'past its absolute lifetime';
    if (now.getTime() >= family.lastUsedAt.getTime() + this.config.refreshTokenIdleTtlSeconds * 1000) return 'idle too long';
    return undefined;
  }

  private async reuse(family: TokenFamily, client: AuthenticatedClient, context: GrantContext): Promise<never> {
    await this.familiesService.reportIncident('refresh_token_reuse', family, { clientId: client.clientId, ip: context.ip });
    throw new OAuthError('invalid_grant', BAD_TOKEN, `spent refresh token reused; family ${family.id} revoked`);
  }

  private result(family: TokenFamily, target: { scopes: string[]; audience: string }, refreshToken: string): TokenGrantResult {
    return { subject: family.userId, ...target, sid: family.id, authTime: family.authTime, refreshToken, sessionId: family.sessionId ?? undefined };
  }
}
