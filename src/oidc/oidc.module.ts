import { Module } from '@nestjs/common';
import { ClientMetadataModule } from '../client-metadata/client-metadata.module';
import { ClientsModule } from '../clients/clients.module';
import { ResourceModule } from '../resource/resource.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { BackChannelLogout, BackChannelLogoutPolicy } from './back-channel-logout';
import { UserInfoController } from './userinfo.controller';

/** OpenID Connect beyond the ID token: UserInfo and back-channel logout delivery. */
@Module({
  imports: [ClientsModule, ClientMetadataModule, TokensModule, ResourceModule, UsersModule],
  controllers: [UserInfoController],
  providers: [BackChannelLogout, BackChannelLogoutPolicy],
  exports: [BackChannelLogout],
})
export class OidcModule {}
