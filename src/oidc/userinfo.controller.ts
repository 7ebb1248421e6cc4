import { Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import { BearerTokenError } from '@nest-oauth/resource-server';
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../common/errors/oauth-error';
import { parseScope } from '../common/scopes';
import { AccessTokenVerifier } from '../resource/access-token-verifier';
import { UserClaimsProvider } from '../users/user-claims-provider';
import { UsersService } from '../users/users.service';

/**
 * OIDC Core §5.3 UserInfo: `GET` or `POST` with a bearer access token of this server that
 * carries `openid`. Errors are RFC 6750 challenges (`401 invalid_token`, `403 insufficient_scope`).
 */
@Controller()
export class UserInfoController {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly users: UsersService,
    private readonly userClaims: UserClaimsProvider,
  ) {}

  @Get('userinfo')
  @Header('Cache-Control', 'no-store')
  get(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.answer(req);
  }

  @Post('userinfo')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  post(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.answer(req);
  }

  private async answer(req: FastifyRequest): Promise<Record<string, unknown>> {
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(req.headers.authorization ?? '');
    if (!match) throw new OAuthError('invalid_token', 'a bearer access token is required');
    const claims = await this.verifier.verifyForAnyAudience(match[1]).catch((error: unknown) => {
      if (error instanceof BearerTokenError) throw new OAuthError(error.code, error.description, error.detail);
      throw error;
    });
    const scopes = parseScope(claims.scope);
    if (!scopes.includes('openid')) throw new OAuthError('insufficient_scope', 'the openid scope is required', undefined, 'openid');
    const user = await this.users.findById(claims.sub);
    // A client-credentials token, or a deleted user: no one to describe.
    if (!user) throw new OAuthError('invalid_token', 'the access token does not belong to a user', `no user ${claims.sub}`);
    const extra = await this.userClaims.claimsFor({ user, scopes, clientId: claims.client_id });
    return { ...extra, sub: user.id };
  }
}
