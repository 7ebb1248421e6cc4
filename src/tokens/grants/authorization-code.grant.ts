import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../../clients/authenticated-client';
import { AppConfig } from '../../config/app-config';
import { addSeconds, Clock } from '../../common/clock';
import { sha256 } from '../../common/crypto/hashing';
import { RandomSource } from '../../common/crypto/random';
import { OAuthError } from '../../common/errors/oauth-error';
import { RefreshTokenIssuer } from '../refresh-tokens/refresh-token.issuer';
import { TokenFamiliesRepository } from '../refresh-tokens/token-families.repository';
import { TokenFamiliesService } from '../refresh-tokens/token-families.service';
import { grantedResources, ResourceTargets } from '../../resources/resource-targets';
import { AuthorizationCodesRepository } from './authorization-codes.repository';
import { GrantContext, GrantHandler, TokenGrantResult } from './grant-handler';
import { isWellFormedVerifier, verifierMatches } from './pkce';
import { parseScope } from '../../common/scopes';
import { TokenParams } from './token-params';

const BAD_CODE = 'the authorization code is invalid, expired or already used';

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636). Every check runs before the code is consumed, so a
 * wrong client cannot burn someone else's code; the consumption itself is one conditional
 * UPDATE. A code presented again revokes the family it started (RFC 6749 §4.1.2).
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = 'authorization_code';

  constructor(
    private readonly codes: AuthorizationCodesRepository,
    private readonly families: TokenFamiliesRepository,
    private readonly familiesService: TokenFamiliesService,
    private readonly tokens: RefreshTokenIssuer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly targets: ResourceTargets,
  ) {}

  async handle(params: TokenParams, client: AuthenticatedClient, context: GrantContext): Promise<TokenGrantResult> {
    const code = params.required('code');
    const redirectUri = params.required('redirect_uri');
    const verifier = params.required('code_verifier');
    if (!isWellFormedVerifier(verifier)) throw new OAuthError('invalid_request', 'code_verifier must be 43 to 128 unreserved characters');

    const now = this.clock.now();
    const codeHash = sha256(code);
    const stored = await this.codes.findByHash(codeHash);
    if (!stored) throw new OAuthError('invalid_grant', BAD_CODE, 'unknown code');
    if (stored.consumedAt) return this.replay(stored.familyId, client, context);
    if (stored.expiresAt.getTime() <= now.getTime()) throw new OAuthError('invalid_grant', BAD_CODE, 'code expired');
    if (stored.clientId !== client.clientId) {
      throw new OAuthError('invalid_grant', BAD_CODE, `code of client ${stored.clientId} presented by ${client.clientId}`);
    }
    if (stored.redirectUri !== redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
    if (!verifierMatches(verifier, stored.codeChallenge)) throw new OAuthError('invalid_grant', 'code_verifier does not match the code challenge');
    // RFC 8707: checked before the code is spent, so a wrong resource does not burn it.
    const granted = grantedResources(stored.resources, this.config);
    const target = this.targets.forToken(granted, params.resources(), parseScope(stored.scope), false);

    // The family exists before the code points at it, so a racing replay always finds it to revoke.
    const sid = this.random.id();
    const first = client.grantTypes.includes('refresh_token') ? this.tokens.firstToken(sid) : undefined;
    await this.families.start({
      id: sid,
      clientId: client.clientId,
      userId: stored.userId,
      scope: stored.scope,
      resources: granted.join(' '),
      authTime: stored.authTime,
      sessionId: stored.sessionId,
      // OIDC Core §11: only offline_access lets the family outlive the sign-in session.
      offline: parseScope(stored.scope).includes('offline_access'),
      createdAt: now,
      expiresAt: addSeconds(now, this.config.refreshTokenAbsoluteTtlSeconds),
      lastUsedAt: now,
      generation: first ? 0 : null,
      tokenSecret: first?.tokenSecret ?? null,
      tokenKeyId: first?.tokenKeyId ?? null,
      currentTokenHash: null,
      previousTokenHash: null,
      rotatedAt: null,
      revokedAt: null,
      revokedReason: null,
    });
    if (!(await this.codes.consume(codeHash, sid, now))) {
      // Our family never handed out a token; it only must not stay live.
      await this.families.revoke(sid, now, 'code_race_lost');
      const winner = await this.codes.findByHash(codeHash);
      if (winner?.consumedAt) return this.replay(winner.familyId, client, context);
      throw new OAuthError('invalid_grant', BAD_CODE, 'code expired or vanished while redeeming');
    }
    return {
      subject: stored.userId,
      scopes: target.scopes,
      audience: target.audience,
      sid,
      authTime: stored.authTime,
      refreshToken: first?.token,
      sessionId: stored.sessionId ?? undefined,
      nonce: stored.nonce ?? undefined,
    };
  }

  private async replay(familyId: string | null, client: AuthenticatedClient, context: GrantContext): Promise<never> {
    const family = familyId ? await this.families.findById(familyId) : null;
    await this.familiesService.reportIncident('code_replay', family, { clientId: client.clientId, ip: context.ip });
    throw new OAuthError('invalid_grant', BAD_CODE, `code replayed; family ${familyId ?? '-'} revoked`);
  }
}
