import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
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
  async token(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TokenResponse> {
    const { params, client } = await readClientRequest(this.authenticator, req, res);
    return this.tokens.exchange({ params, client, ip: req.ip });
  }
}
