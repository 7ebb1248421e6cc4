import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { AdminInitialAccessTokensController } from './admin-initial-access-tokens.controller';
import { InitialAccessToken } from './initial-access-token.entity';
import { InitialAccessTokensRepository } from './initial-access-tokens.repository';
import { RegistrationController } from './registration.controller';

/** Dynamic client registration (RFC 7591/7592) and the initial access tokens that can gate it. */
@Module({
  imports: [TypeOrmModule.forFeature([InitialAccessToken]), ClientsModule],
  controllers: [RegistrationController, AdminInitialAccessTokensController],
  providers: [InitialAccessTokensRepository],
})
export class RegistrationModule {}
