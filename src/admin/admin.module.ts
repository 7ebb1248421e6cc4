import { Global, Module } from '@nestjs/common';
import { AuthorizationModule } from '../authorization/authorization.module';
import { ResourceModule } from '../resource/resource.module';
import { TokensModule } from '../tokens/tokens.module';
import { AccessRevoker } from './access-revoker';
import { AdminAuthGuard } from './admin-auth.guard';

/**
 * What the `/admin/*` controllers share: the guard and the revoker. Global, because the clients
 * and users modules host admin controllers and are imported by the token and authorization
 * modules whose services the revoker calls: importing this module there would be a cycle.
 * `@UseGuards(AdminAuthGuard)` builds the guard in the controller's module, so that module must
 * see the guard's `AccessTokenVerifier` too: the resource module is exported with it.
 */
@Global()
@Module({
  imports: [ResourceModule, TokensModule, AuthorizationModule],
  providers: [AdminAuthGuard, AccessRevoker],
  exports: [AdminAuthGuard, AccessRevoker, ResourceModule],
})
export class AdminModule {}
