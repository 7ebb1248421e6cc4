import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { AccessTokenClaims, RequireScopes, ResourceServerGuard } from '@nest-oauth/resource-server';

/** The invoices of whoever the token speaks for. */
@Controller('invoices')
@UseGuards(ResourceServerGuard)
export class InvoicesController {
  @Get()
  @RequireScopes('invoices:read')
  list(@Req() request: { user: AccessTokenClaims }): { owner: string; invoices: Array<{ id: string; total: number }> } {
    return { owner: request.user.sub, invoices: [{ id: 'inv-1', total: 120 }] };
  }
}
