import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { readClientRequest } from '../client-request';
import { TokenRevocationService } from './token-revocation.service';

/** `POST /revoke` (RFC 7009): 200 with an empty body whether or not the token was known. */
@Controller()
export class TokenRevocationController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly revocation: TokenRevocationService,
  ) {}

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<void> {
    const { params, client } = await readClientRequest(this.authenticator, req, res);
    await this.revocation.revoke(params.required('token'), params.optional('token_type_hint'), client);
  }
}
