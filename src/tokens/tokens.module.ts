import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizationCode } from '../authorization/authorization-code.entity';
import { ClientsModule } from '../clients/clients.module';
import { DiscoveryController } from './discovery/discovery.controller';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { AuthorizationCodesRepository } from './grants/authorization-codes.repository';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GRANT_HANDLERS, grantHandlerMap } from './grants/grant-handler';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { DenialsRepository } from './introspection/denials.repository';
import { IntrospectionController } from './introspection/introspection.controller';
import { IntrospectionService } from './introspection/introspection.service';
import { RefreshToken } from './refresh-tokens/refresh-token.entity';
import { ServerSecret } from './refresh-tokens/server-secret.entity';
import { SuccessorDeriver } from './refresh-tokens/successor-deriver';
import { TokenFamiliesRepository } from './refresh-tokens/token-families.repository';
import { TokenFamiliesService } from './refresh-tokens/token-families.service';
import { TokenFamily } from './refresh-tokens/token-family.entity';
import { TokenRevocationController } from './revocation/token-revocation.controller';
import { TokenRevocationService } from './revocation/token-revocation.service';
import { AccessTokenInspector } from './signing/access-token.inspector';
import { AccessTokenIssuer } from './signing/access-token.issuer';
import { ClaimsProvider } from './signing/claims-provider';
import { KeyStoreService } from './signing/key-store.service';
import { KeysAdminController } from './signing/keys-admin.controller';
import { SigningKey } from './signing/signing-key.entity';
import { TokenController } from './token.controller';
import { TokenEndpointService } from './token-endpoint.service';
import { TokenPurgeJob } from './token-purge.job';

@Module({
  imports: [
    ClientsModule,
    TypeOrmModule.forFeature([SigningKey, TokenFamily, RefreshToken, ServerSecret, AuthorizationCode]),
  ],
  controllers: [TokenController, TokenRevocationController, IntrospectionController, DiscoveryController, KeysAdminController],
  providers: [
    KeyStoreService,
    ClaimsProvider,
    AccessTokenIssuer,
    AccessTokenInspector,
    SuccessorDeriver,
    TokenFamiliesRepository,
    TokenFamiliesService,
    AuthorizationCodesRepository,
    DenialsRepository,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    ClientCredentialsGrant,
    // A new grant: one handler class, listed in `providers` and in this `inject`.
    {
      provide: GRANT_HANDLERS,
      inject: [AuthorizationCodeGrant, RefreshTokenGrant, ClientCredentialsGrant],
      useFactory: grantHandlerMap,
    },
    TokenEndpointService,
    IntrospectionService,
    TokenRevocationService,
    TokenPurgeJob,
  ],
  exports: [KeyStoreService, TokenFamiliesService],
})
export class TokensModule {}
