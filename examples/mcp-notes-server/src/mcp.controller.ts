import { Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { AccessTokenClaims, RequireScopes, ResourceServerGuard } from '@nest-oauth/resource-server';
import { buildMcpServer, TokenSubject } from './mcp-server';
import { NotesStore } from './notes-store';

type AuthenticatedRequest = Request & { user: AccessTokenClaims; auth?: AuthInfo };

/**
 * The MCP endpoint. The guard answers `401` with `resource_metadata` (RFC 9728) to a request
 * without a valid token for this server's audience, and `403` without the read scope; the
 * tools then act for the token's `sub`.
 */
@Controller('mcp')
@UseGuards(ResourceServerGuard)
export class McpController {
  private readonly store = new NotesStore();

  @Post()
  @RequireScopes('mcp-notes:read')
  async handle(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const subject: TokenSubject = { sub: req.user.sub, scopes: req.user.scope.split(' ') };
    // The SDK hands `req.auth` to the tools as `extra.authInfo`.
    req.auth = { token: '', clientId: req.user.client_id, scopes: subject.scopes, extra: { subject } };
    const server = buildMcpServer(this.store);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  /** Stateless: no server-sent stream to open and no session to end. */
  @Get()
  @HttpCode(405)
  noStream(): { error: string } {
    return { error: 'method not allowed' };
  }

  @Delete()
  @HttpCode(405)
  noSession(): { error: string } {
    return { error: 'method not allowed' };
  }
}
