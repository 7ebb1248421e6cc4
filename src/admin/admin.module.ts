import { Global, Module } from '@nestjs/common';
import { AuthorizationModule } from '../authorization/authorization.module';
import { ResourceModule } from '../resource/resource.module';
import { GRANT_HANDLERS, SUPPORTED_GRANT_TYPES, supportedGrantTypes } from '../tokens/grants/grant-handler';
import { TokensModule } from '../tokens/tokens.module';
import { AccessRevoker } from './access-revoker';
import { AdminAuthGuard } from './admin-auth.guard';

/**
 * What the `/admin/*` controllers share: the guard, the revoker, and the grant types the token
 * endpoint serves (which client registration accepts). Global, because the clients
 * and users modules host admin controllers and are imported by the token and authorization
 * modules whose services the revoker calls: importing this module there would be a cycle.
 * `@UseGuards(AdminAuthGuard)` builds the guard in the controller's module, so that module must
 * see the guard's `AccessTokenVerifier` too: the resource module is exported with it.
 */
@Global()
@Module({
  imports: [ResourceModule, TokensModule, AuthorizationModule],
  providers: [
    AdminAuthGuard,
    AccessRevoker,
    { provide: SUPPORTED_GRANT_TYPES, inject: [GRANT_HANDLERS], useFactory: supportedGrantTypes },
  ],
  exports: [AdminAuthGuard, AccessRevoker, SUPPORTED_GRANT_TYPES, ResourceModule],
})
export class AdminModule {}
