import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientMetadataModule } from '../client-metadata/client-metadata.module';
import { AdminClientsController } from './admin-clients.controller';
import { Client } from './client.entity';
import { ClientAuthenticator } from './client-authenticator';
import { ClientsRepository } from './clients.repository';
import { ClientsService } from './clients.service';
import { ClientAssertionJti } from './client-assertions/client-assertion-jti.entity';
import { ClientAssertionJtisRepository } from './client-assertions/client-assertion-jtis.repository';
import { ClientAssertions } from './client-assertions/client-assertions';

@Module({
  imports: [TypeOrmModule.forFeature([Client, ClientAssertionJti]), ClientMetadataModule],
  controllers: [AdminClientsController],
  providers: [ClientsService, ClientsRepository, ClientAuthenticator, ClientAssertions, ClientAssertionJtisRepository],
  exports: [ClientsService, ClientAuthenticator],
})
export class ClientsModule {}
