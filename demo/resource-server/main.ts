import 'reflect-metadata';
import { Controller, Get, Module, Req, UseGuards, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type AccessTokenClaims,
  type FeedStatus,
  RemoteRevocationFeed,
  RequireScopes,
  ResourceServerGuard,
  ResourceServerModule,
} from '@nest-oauth/resource-server';
import { countOutboundCalls } from './outbound-calls';

/** The guard puts the token's verified claims on the request. */
type AuthenticatedRequest = { user: AccessTokenClaims };

/**
 * The demo's resource server: a separate process with no database, that trusts the
 * authorization server through the resource-server module (keys from its JWKS, denials from
 * its revocation feed). It also tells the demo what it has sent out, so the demo can show that
 * a request was served without asking anyone.
 */
const outboundCalls = countOutboundCalls();

@Controller()
class NotesController {
  @Get('notes')
  @UseGuards(ResourceServerGuard)
  @RequireScopes('notes:read')
  notes(@Req() request: AuthenticatedRequest): { sub: string; client_id: string; scope: string; notes: string[] } {
    return { sub: request.user.sub, client_id: request.user.client_id, scope: request.user.scope, notes: ['Buy milk'] };
  }
}

/** Demo instrumentation, not something a real resource server would expose. */
@Controller('demo')
class DemoStatusController {
  constructor(private readonly feed: RemoteRevocationFeed) {}

  @Get('status')
  status(): { feed: FeedStatus; outbound: ReturnType<typeof outboundCalls> } {
    return { feed: this.feed.status(), outbound: outboundCalls() };
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

@Module({})
class DemoResourceServerModule {}

function appModule(): DynamicModule {
  return {
    module: DemoResourceServerModule,
    imports: [
      ResourceServerModule.forRoot({
        issuer: required('AUTHORIZATION_SERVER'),
        audience: required('AUDIENCE'),
        clientId: required('CLIENT_ID'),
        clientSecret: required('CLIENT_SECRET'),
        // A short allowance keeps the expiry step short; the default is 5 s.
        clockSkewSeconds: Number(required('CLOCK_SKEW_SECONDS')),
      }),
    ],
    controllers: [NotesController, DemoStatusController],
  };
}

async function main(): Promise<void> {
  const app = await NestFactory.create(appModule(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(Number(required('PORT')), '127.0.0.1');
}

void main();
