import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../../clients/authenticated-client';
import { AppConfig } from '../../config/app-config';
import { DenyListService } from '../../revocation-log/deny-list.service';
import { Clock, epochSeconds } from '../../common/clock';
import { liveGeneration, RefreshTokenIssuer } from '../refresh-tokens/refresh-token.issuer';
import { AccessTokenInspector } from '../signing/access-token.inspector';

/** RFC 7662 §2.2 response. Inactive tokens say nothing else. */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      token_type: 'Bearer' | 'refresh_token';
      scope: string;
      client_id: string;
      sub: string;
      exp: number;
      iat: number;
      iss: string;
      aud?: string | string[];
      jti?: string;
      sid?: string;
      auth_time?: number;
    };

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * Introspection of both kinds of token. An access token is active when its signature and
 * claims verify and the deny set the guards use refuses neither its `jti`, nor its family, nor
 * its subject, nor its client: no store query. A refresh
 * token is active only for its own client, and only while it is its family's live token.
 * Every client may introspect (RFC 7662 §2.1 asks for client authentication, and `none` is
 * how a public client authenticates), but public clients learn only about their own tokens.
 */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly inspector: AccessTokenInspector,
    private readonly tokens: RefreshTokenIssuer,
    private readonly denyList: DenyListService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async introspect(token: string, hint: string | undefined, client: AuthenticatedClient): Promise<IntrospectionResponse> {
    // RFC 7662 §2.1: the hint only decides the order of the lookups.
    if (hint === 'refresh_token') {
      return (await this.refreshToken(token, client)) ?? (await this.accessToken(token, client)) ?? INACTIVE;
    }
    return (await this.accessToken(token, client)) ?? (await this.refreshToken(token, client)) ?? INACTIVE;
  }

  /**
   * Undefined when it is not one of our access tokens at all. A confidential client (e.g. a
   * resource server) may ask about any access token; a public client, whose id anybody may
   * know, only about its own.
   */
  private async accessToken(token: string, client: AuthenticatedClient): Promise<IntrospectionResponse | undefined> {
    const claims = await this.inspector.inspect(token);
    if (!claims) return undefined;
    if (!client.isConfidential && claims.client_id !== client.clientId) return INACTIVE;
    // The guards' in-memory deny set: a revocation counts here as soon as it reaches this
    // instance (at once for its own, within about a second for another's), with no query.
    if (this.denyList.match(claims)) return INACTIVE;
    return {
      active: true,
      token_type: 'Bearer',
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      exp: claims.exp,
      iat: claims.iat,
      iss: String(claims.iss),
      aud: claims.aud,
      jti: claims.jti,
      ...(claims.sid ? { sid: claims.sid } : {}),
      ...(typeof claims.auth_time === 'number' ? { auth_time: claims.auth_time } : {}),
    };
  }

  private async refreshToken(token: string, client: AuthenticatedClient): Promise<IntrospectionResponse | undefined> {
    const presented = await this.tokens.recognise(token);
    if (!presented) return undefined;
    const { family } = presented;
    const now = this.clock.now().getTime();
    const idleExpiresAt = family.lastUsedAt.getTime() + this.config.refreshTokenIdleTtlSeconds * 1000;
    const expiresAt = Math.min(family.expiresAt.getTime(), idleExpiresAt);
    const live = presented.generation === liveGeneration(family) && family.revokedAt === null && now < expiresAt;
    if (!live || family.clientId !== client.clientId) return INACTIVE;
    return {
      active: true,
      token_type: 'refresh_token',
      scope: family.scope,
      client_id: family.clientId,
      sub: family.userId,
      exp: epochSeconds(new Date(expiresAt)),
      iat: epochSeconds(family.rotatedAt ?? family.createdAt),
      iss: this.config.issuer,
      sid: family.id,
    };
  }
}
