import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenParams } from './grants/token-params';
import { TokenEndpointService, TokenResponse } from './token-endpoint.service';

/** Tokens and errors must never be cached (RFC 6749 §5.1): set before anything can fail. */
export function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
}

/** `POST /token` (RFC 6749 §3.2), form-encoded. */
@Controller()
export class TokenController {
  constructor(private readonly tokens: TokenEndpointService) {}

  @Post('token')
  @HttpCode(200)
  token(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TokenResponse> {
    noStore(res);
    return this.tokens.exchange({ params: TokenParams.fromRequest(req), authorization: req.headers.authorization, ip: req.ip });
  }
}
