import { Module } from '@nestjs/common';
import { ResourceServerModule } from '@nest-oauth/resource-server';
import { McpController } from './mcp.controller';

/** The server's own URL is its audience: a token issued for another resource is refused. */
@Module({
  imports: [
    ResourceServerModule.forRootAsync({
      useFactory: () => ({
        issuer: required('ISSUER'),
        audience: required('AUDIENCE'),
        clientId: required('CLIENT_ID'),
        clientSecret: required('CLIENT_SECRET'),
        resourceName: 'Notes MCP server',
        scopesSupported: ['mcp-notes:read', 'mcp-notes:write'],
      }),
    }),
  ],
  controllers: [McpController],
})
export class AppModule {}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
