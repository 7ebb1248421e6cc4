import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientMetadataModule } from '../client-metadata/client-metadata.module';
import { AdminClientsController } from './admin-clients.controller';
import { Client } from './client.entity';
import { ClientAuthenticator } from './client-authenticator';
import { ClientsRepository } from './clients.repository';
import { ClientsService } from './clients.service';

@Module({
  imports: [TypeOrmModule.forFeature([Client]), ClientMetadataModule],
  controllers: [AdminClientsController],
  providers: [ClientsService, ClientsRepository, ClientAuthenticator],
  exports: [ClientsService, ClientAuthenticator],
})
export class ClientsModule {}
