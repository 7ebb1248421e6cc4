import { Controller, Get, Header, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, JwtAuthGuard } from './jwt-auth.guard';

@Controller('api')
@UseGuards(JwtAuthGuard)
export class MeController {
  /** Who the access token speaks for: any valid token, no scope needed. */
  @Get('me')
  @Header('Cache-Control', 'no-store')
  me(@Req() request: AuthenticatedRequest): { sub: string; client_id: string; scope: string } {
    const { sub, client_id, scope } = request.user;
    return { sub, client_id, scope };
  }
}
