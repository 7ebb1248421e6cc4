import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizationCode } from './grants/authorization-code.entity';
import { ClientsModule } from '../clients/clients.module';
import { UsersModule } from '../users/users.module';
import { IdTokenHintReader } from './id-tokens/id-token-hint.reader';
import { IdTokenIssuer } from './id-tokens/id-token.issuer';
import { DiscoveryController } from './discovery/discovery.controller';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { AuthorizationCodesRepository } from './grants/authorization-codes.repository';
import { AuthorizationCodes } from './grants/authorization-codes.service';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GRANT_HANDLERS, grantHandlerMap } from './grants/grant-handler';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { IntrospectionController } from './introspection/introspection.controller';
import { IntrospectionService } from './introspection/introspection.service';
import { RefreshToken } from './refresh-tokens/refresh-token.entity';
import { RefreshTokenKey } from './refresh-tokens/refresh-token-key.entity';
import { RefreshTokenKeyRing } from './refresh-tokens/refresh-token-key-ring';
import { RefreshTokenKeysRepository } from './refresh-tokens/refresh-token-keys.repository';
import { KnownFamilies } from './refresh-tokens/known-families';
import { RefreshTokenIssuer } from './refresh-tokens/refresh-token.issuer';
import { RefreshTokenKeysAdminController } from './refresh-tokens/refresh-token-keys-admin.controller';
import { TokenFamiliesRepository } from './refresh-tokens/token-families.repository';
import { TokenFamiliesService } from './refresh-tokens/token-families.service';
import { TokenFamily } from './refresh-tokens/token-family.entity';
import { TokenRevocationController } from './rfc7009/token-revocation.controller';
import { TokenRevocationService } from './rfc7009/token-revocation.service';
import { AccessTokenInspector } from './signing/access-token.inspector';
import { AccessTokenIssuer } from './signing/access-token.issuer';
import { ClaimsProvider } from './signing/claims-provider';
import { KeyStoreService } from './signing/key-store.service';
import { KeysAdminController } from './signing/keys-admin.controller';
import { SigningKey } from './signing/signing-key.entity';
import { SigningKeysRepository } from './signing/signing-keys.repository';
import { TokenController } from './token.controller';
import { TokenEndpointService } from './token-endpoint.service';
import { TokenPurgeJob } from './token-purge.job';

@Module({
  imports: [
    ClientsModule,
    UsersModule,
    TypeOrmModule.forFeature([SigningKey, TokenFamily, RefreshToken, RefreshTokenKey, AuthorizationCode]),
  ],
  controllers: [TokenController, TokenRevocationController, IntrospectionController, DiscoveryController, KeysAdminController, RefreshTokenKeysAdminController],
  providers: [
    KeyStoreService,
    SigningKeysRepository,
    RefreshTokenKeysRepository,
    ClaimsProvider,
    AccessTokenIssuer,
    AccessTokenInspector,
    RefreshTokenKeyRing,
    RefreshTokenIssuer,
    KnownFamilies,
    IdTokenIssuer,
    IdTokenHintReader,
    TokenFamiliesRepository,
    TokenFamiliesService,
    AuthorizationCodesRepository,
    AuthorizationCodes,
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
  exports: [AuthorizationCodes, KeyStoreService, TokenFamiliesService, IdTokenHintReader, GRANT_HANDLERS],
})
export class TokensModule {}
