import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { ResourceModule } from '../resource/resource.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { BackChannelLogout, BackChannelLogoutPolicy } from './back-channel-logout';
import { UserInfoController } from './userinfo.controller';

/** OpenID Connect beyond the ID token: UserInfo and back-channel logout delivery. */
@Module({
  imports: [ClientsModule, TokensModule, ResourceModule, UsersModule],
  controllers: [UserInfoController],
  providers: [BackChannelLogout, BackChannelLogoutPolicy],
  exports: [BackChannelLogout],
})
export class OidcModule {}
