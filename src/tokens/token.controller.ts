import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { readClientRequest } from './client-request';
import { TokenEndpointService, TokenResponse } from './token-endpoint.service';

/** `POST /token` (RFC 6749 §3.2), form-encoded; every answer `no-store`. */
@Controller()
export class TokenController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly tokens: TokenEndpointService,
  ) {}

  @Post('token')
  @HttpCode(200)
  async token(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<TokenResponse> {
    const { params, client } = await readClientRequest(this.authenticator, req, res);
    return this.tokens.exchange({ params, client, ip: req.ip });
  }
}
