import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../../clients/authenticated-client';
import { AppConfig } from '../../config/app-config';
import { addSeconds, Clock } from '../../common/clock';
import { RevocationLogService } from '../../revocation-log/revocation-log.service';
import { RefreshTokenIssuer } from '../refresh-tokens/refresh-token.issuer';
import { TokenFamiliesService } from '../refresh-tokens/token-families.service';
import { AccessTokenInspector } from '../signing/access-token.inspector';

/**
 * RFC 7009. A refresh token revokes its whole family; an access token is denied by `jti`
 * until it expires. Unknown tokens, and tokens of another client, change nothing: the
 * answer is the same 200 either way, so it reveals nothing.
 */
@Injectable()
export class TokenRevocationService {
  constructor(
    private readonly tokens: RefreshTokenIssuer,
    private readonly familiesService: TokenFamiliesService,
    private readonly inspector: AccessTokenInspector,
    private readonly revocations: RevocationLogService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async revoke(token: string, hint: string | undefined, client: AuthenticatedClient): Promise<void> {
    if (hint === 'access_token') {
      if (!(await this.revokeAccessToken(token, client))) await this.revokeRefreshToken(token, client);
    } else if (!(await this.revokeRefreshToken(token, client))) {
      await this.revokeAccessToken(token, client);
    }
  }

  /** True when the token is a refresh token of ours (whether or not anything changed). */
  private async revokeRefreshToken(token: string, client: AuthenticatedClient): Promise<boolean> {
    const family = (await this.tokens.recognise(token))?.family;
    if (!family) return false;
    if (family.clientId === client.clientId) await this.familiesService.revokeFamily(family.id, 'revoked_by_client');
    return true;
  }

  private async revokeAccessToken(token: string, client: AuthenticatedClient): Promise<boolean> {
    const claims = await this.inspector.inspect(token, { allowExpired: true });
    if (!claims) return false;
    const expiresAt = new Date(claims.exp * 1000);
    if (claims.client_id === client.clientId && expiresAt > this.clock.now()) {
      // Kept until the token's exp plus the skew resource servers tolerate.
      await this.revocations.deny('jti', claims.jti, addSeconds(expiresAt, this.config.clockSkewSeconds));
    }
    return true;
  }
}
